-- Counts the answers of the annual report that came back partial (a source missing).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  partial = 0
end

function response(status, headers, body)
  if body and body:find('"partial":true', 1, true) then
    partial = partial + 1
  end
end

function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do
    n = n + t:get("partial")
  end
  io.write(string.format("Partial answers: %d\n", n))
end
