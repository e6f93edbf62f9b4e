-- POSTs the JSON body in the file named by the first script argument, with a fresh
-- Idempotency-Key per request: <second argument (unique per wrk run)>-<thread>-<n>.
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  body = file:read("*a")
  file:close()
  prefix = (args[2] or tostring(os.time())) .. "-" .. tostring(thread_id or 0)
  n = 0
  headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  headers["Idempotency-Key"] = prefix .. "-" .. n
  return wrk.format("POST", nil, headers, body)
end
