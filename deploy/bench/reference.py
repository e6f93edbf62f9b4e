"""The same-machine reference of ``make bench``: a bare FastAPI JSON endpoint, served by the
same uvicorn command as the services (docs/performance.md)."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/json")
async def json_message() -> dict[str, str]:
    return {"message": "Hello, World!"}
