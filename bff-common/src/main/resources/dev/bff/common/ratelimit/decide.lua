-- One rate-limit decision over several limits, atomic: the request is admitted only if every limit
-- admits it, and nothing is counted unless it is. Time is the Redis server's, so the replicas' clocks
-- do not matter. Same arithmetic as GcraCell and WindowCell (in microseconds here).
--
-- KEYS[i]  the bucket of limit i
-- ARGV     three values per limit: kind (g: GCRA, s: sliding window, f: fixed window), limit (burst,
--          or requests per window), interval in microseconds (GCRA: emission interval; else the window)
-- returns  {admitted (1 or 0), then per limit: admitted, remaining, reset, retry (microseconds)};
--          remaining and reset as after this request when it is admitted, as before it when it is not
if redis.replicate_commands then
  redis.replicate_commands() -- TIME before writes: needed before Redis 5, a no-op since
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local out = {1}
local writes = {}
local uncounted = {} -- remaining and reset of an admitting limit if the request is refused by another
local all = true
for i = 1, #KEYS do
  local kind = ARGV[i * 3 - 2]
  local limit = tonumber(ARGV[i * 3 - 1])
  local size = tonumber(ARGV[i * 3])
  local key = KEYS[i]
  local ok, remaining, reset, retry
  if kind == 'g' then
    local cap = limit * size
    local base = tonumber(redis.call('GET', key)) or now
    if base < now then base = now end
    local next = base + size
    if next - now <= cap then
      ok, remaining, reset, retry = 1, math.floor((cap - (next - now)) / size), next - now, 0
      uncounted[i] = {remaining + 1, base - now}
      writes[#writes + 1] = {'g', key, next, math.ceil((next - now) / 1000) + 1000}
    else
      ok, remaining, reset, retry = 0, math.max(0, math.floor((cap - (base - now)) / size)), base - now, next - now - cap
    end
  else
    local h = redis.call('HMGET', key, 'w', 'p', 'c')
    local w = math.floor(now / size)
    local sw = tonumber(h[1])
    local previous, current = 0, 0
    if sw == w then
      previous, current = tonumber(h[2]) or 0, tonumber(h[3]) or 0
    elseif sw == w - 1 then
      previous = tonumber(h[3]) or 0
    end
    local start = w * size
    if kind == 'f' then
      reset = start + size - now
      if current + 1 <= limit then
        ok, remaining, retry = 1, limit - current - 1, 0
      else
        ok, remaining, retry = 0, 0, reset
      end
    else
      local estimate = previous * (1 - (now - start) / size) + current
      if estimate + 1 <= limit + 1e-9 then -- a request exactly at the limit is not refused by a rounding error
        ok, remaining, reset, retry = 1, math.floor(limit - estimate - 1 + 1e-9), start + 2 * size - now, 0
      else
        ok, remaining = 0, 0
        if current + 1 > limit then
          retry = (start + size - now) + size * math.max(0, 1 - (limit - 1) / current)
        else
          retry = (start - now) + size * (1 - (limit - 1 - current) / previous)
        end
        if current > 0 then reset = start + 2 * size - now else reset = start + size - now end
        retry = math.max(1, math.ceil(retry))
      end
    end
    if ok == 1 then
      uncounted[i] = {remaining + 1, reset}
      local keep = kind == 'f' and (start + size - now) or (start + 2 * size - now)
      writes[#writes + 1] = {'w', key, w, previous, current + 1, math.ceil(keep / 1000) + 1000}
    end
  end
  if ok == 0 then all = false end
  out[#out + 1] = ok
  out[#out + 1] = remaining
  out[#out + 1] = reset
  out[#out + 1] = retry
end
if all then
  for _, wr in ipairs(writes) do
    if wr[1] == 'g' then
      redis.call('SET', wr[2], string.format('%.3f', wr[3]), 'PX', wr[4])
    else
      redis.call('HSET', wr[2], 'w', string.format('%.0f', wr[3]), 'p', wr[4], 'c', wr[5])
      redis.call('PEXPIRE', wr[2], wr[6])
    end
  end
else
  out[1] = 0
  for i, u in pairs(uncounted) do
    out[(i - 1) * 4 + 3] = u[1]
    out[(i - 1) * 4 + 4] = u[2]
  end
end
return out
