-- wrk script: each request takes the next line of $WRK_PATHS ("PATH TOKEN" per line, TOKEN
-- optional), so one run spreads over many films and many users instead of repeating one URL.
local lines = {}
local next_line = 1

function init(args)
  local file = assert(io.open(os.getenv("WRK_PATHS"), "r"))
  for line in file:lines() do
    local path, token = line:match("^(%S+)%s*(%S*)$")
    if path then
      lines[#lines + 1] = { path = path, token = token }
    end
  end
  file:close()
  -- Threads start at different places of the list.
  next_line = (math.random(#lines) - 1) + 1
end

function request()
  local l = lines[next_line]
  next_line = next_line % #lines + 1
  local headers = {}
  if l.token ~= "" then
    headers["Authorization"] = "Bearer " .. l.token
  end
  return wrk.format("GET", l.path, headers)
end
