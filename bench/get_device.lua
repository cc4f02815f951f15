-- wrk script: GET /api/v1/devices/{id} for random ids in 1..MAX_ID with a bearer token.
-- Environment: CUSTOS_TOKEN, MAX_ID.
local token = os.getenv("CUSTOS_TOKEN")
local max_id = tonumber(os.getenv("MAX_ID") or "1000")
math.randomseed(42)
request = function()
  local id = math.random(1, max_id)
  return wrk.format("GET", "/api/v1/devices/" .. id, { ["Authorization"] = "Bearer " .. token })
end
