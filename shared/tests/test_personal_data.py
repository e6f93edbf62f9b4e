"""Personal data (domain.md §8): numbers are invented with valid check characters."""

from __future__ import annotations

from pathlib import Path

import pytest
from stdnum.cn import ric

from shared.personal_data import (
    PersonalDataCipher,
    load_or_create_key,
    mask_id_number,
    mask_name,
    mask_phone,
    normalise_credit_code,
    normalise_id_number,
    normalise_phone,
)


def invented_id(body: str = "42122219990317123") -> str:
    """A valid-looking number for 通城县 (code 421222 since 1998), born 1999-03-17: no real
    person's. ``calc_check_digit`` takes the number with a placeholder check character."""
    return body + ric.calc_check_digit(body + "0")


VALID = invented_id()
WITH_X = invented_id("42122220000101002")  # its check character is X


class TestIdNumber:
    @pytest.mark.parametrize(
        "spelling",
        [
            lambda v: v,
            lambda v: f"  {v} ",
            lambda v: f"{v[:6]} {v[6:14]} {v[14:]}",
            lambda v: v.translate(
                str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
            ),
        ],
    )
    def test_every_spelling_gives_one_number(self, spelling: object) -> None:
        assert normalise_id_number(spelling(VALID)) == VALID  # type: ignore[operator]

    def test_lower_case_x_is_upper_cased(self) -> None:
        assert normalise_id_number(WITH_X.lower()) == WITH_X

    def test_a_wrong_check_character_is_refused(self) -> None:
        wrong = VALID[:-1] + ("0" if VALID[-1] != "0" else "1")
        with pytest.raises(ValueError, match="check character"):
            normalise_id_number(wrong)

    def test_the_15_digit_legacy_form_is_refused_with_a_reason(self) -> None:
        with pytest.raises(ValueError, match="15-digit"):
            normalise_id_number("421222850317123")

    def test_an_impossible_birth_date_is_refused(self) -> None:
        body = "42122220010231123"  # 31 February
        with pytest.raises(ValueError, match="birth date"):
            normalise_id_number(invented_id(body))

    def test_a_county_code_newer_than_the_birth_is_accepted(self) -> None:
        # 421222 exists since 1998; someone born in 1985 and registered in 通城县 later
        # carries it (python-stdnum's own validate() would refuse this number).
        number = invented_id("42122219850317123")
        assert normalise_id_number(number) == number

    def test_an_unknown_region_code_is_refused(self) -> None:
        with pytest.raises(ValueError, match="region"):
            normalise_id_number(invented_id("99999920000101123"))

    def test_mask_shows_first_and_last_four(self) -> None:
        assert mask_id_number(VALID) == VALID[:4] + "*" * 10 + VALID[-4:]


class TestPhoneAndCreditCode:
    @pytest.mark.parametrize(
        ("raw", "digits"),
        [
            ("13800138000", "13800138000"),
            ("138-0013-8000", "13800138000"),
            ("+86 138 0013 8000", "13800138000"),
            ("0715-5123456", "07155123456"),
            ("(0715)5123456", "07155123456"),
        ],
    )
    def test_phones_are_kept_as_digits(self, raw: str, digits: str) -> None:
        assert normalise_phone(raw) == digits

    @pytest.mark.parametrize("raw", ["12800138000", "1380013800", "5123456", "phone"])
    def test_other_numbers_are_refused(self, raw: str) -> None:
        with pytest.raises(ValueError, match="mobile"):
            normalise_phone(raw)

    def test_phone_mask_is_three_and_four(self) -> None:
        assert mask_phone("13800138000") == "138****8000"

    def test_credit_code_check_character(self) -> None:
        assert normalise_credit_code("91110000600037341L") == "91110000600037341L"
        with pytest.raises(ValueError, match="check character"):
            normalise_credit_code("91110000600037341M")

    def test_public_names_show_the_surname(self) -> None:
        assert mask_name("张三丰") == "张*"


class TestCipher:
    def test_round_trip_and_fresh_nonces(self) -> None:
        cipher = PersonalDataCipher(b"k" * 32)
        first, second = cipher.encrypt(VALID), cipher.encrypt(VALID)
        assert first != second
        assert VALID not in first
        assert cipher.decrypt(first) == cipher.decrypt(second) == VALID

    def test_search_hash_is_stable_and_keyed(self) -> None:
        one, other = PersonalDataCipher(b"k" * 32), PersonalDataCipher(b"j" * 32)
        assert one.search_hash(VALID) == one.search_hash(VALID)
        assert one.search_hash(VALID) != other.search_hash(VALID)

    def test_another_key_cannot_decrypt(self) -> None:
        from cryptography.exceptions import InvalidTag

        token = PersonalDataCipher(b"k" * 32).encrypt(VALID)
        with pytest.raises(InvalidTag):
            PersonalDataCipher(b"j" * 32).decrypt(token)

    def test_key_file_is_created_once_and_private(self, tmp_path: Path) -> None:
        path = tmp_path / "keys" / "mediation-personal-data.key"
        key = load_or_create_key(path)
        assert len(key) == 32
        assert path.stat().st_mode & 0o777 == 0o600
        assert load_or_create_key(path) == key


def test_concurrent_first_uses_agree_on_one_key(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "race" / "enforcement-personal-data.key"
    with ThreadPoolExecutor(max_workers=16) as pool:
        keys = list(pool.map(lambda _: load_or_create_key(path), range(64)))
    assert len(set(keys)) == 1
    assert [p.name for p in path.parent.iterdir()] == [path.name]
