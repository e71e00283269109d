-- cache module
local json = require("json")
local M = {}

local function helper(x)
  return x + 1 -- add one
end

function M.get(self, key)
  local v = self.items[key]
  return json.encode(v) .. helper(2)
end

function M:put(key, value)
  self.items[key] = value
end

return M
