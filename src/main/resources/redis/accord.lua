#!lua name=accord_v2
--[[
The library's name carries the version of the state layout below (accord_v1 was the name of both
earlier layouts); loading it deletes the libraries of earlier layouts (CorrelationStore.loadLibrary),
so an Accord of an earlier version still running against this Redis fails rather than mixing layouts.

Accord's correlation state, one atomic call per event, laid out to cost little memory per open
transaction (docs/PERFORMANCE.md measures it).

Keys of one call share a hash tag (the shard), so every call touches one Redis Cluster slot:
  <prefix>{s<n>}:tx          hash: txn_id -> the transaction's packed state. A transaction costs one
                             field of its shard's hash, not keys of its own.
  <prefix>{s<n>}:w:<slot>    list: the timing wheel. Every transaction with something due (its
                             window deadline, a sweeper's claim, or the end of its retention) is
                             an element of the slot of that time (SLOT_MS wide). A list packs its
                             elements in listpacks: about 14 bytes for a 12-character id, where
                             an appended string's growth reserve made it about 21.
                             Entries are never removed one by one: when a slot is swept, an entry
                             whose state is due in another slot is stale and dropped.
  <prefix>{s<n>}:w:c         the lowest wheel slot that may hold entries (where sweeping starts)
  <prefix>{s<n>}:alive       marker written when the shard's state is (re)built; its absence
                             means Redis lost the state (flush, restart)

Packed state: first_ms US due [US expires] (base 36), then per entry RS field GS value; an
entry is added once (events and conflicts are distinct by their field).
  first_ms     earliest receive time, the window runs from it
  due          the window deadline, or a sweeper's claim, as ms after first_ms; empty once settled
  expires      settled: when the cached state is dropped, as ms after first_ms; empty while open
  field        the source, US, the event id (FS, \28, in place of the transaction id where the
               id contains it); a conflicting re-send's field starts with SUB, \26
  value        an event's compared fields as the caller encoded them, US separated, the last
               one its time (epoch ms in base 36, optionally '.' and a fraction of a ms). A later
               event keeps empty the fields equal to the first event's (which is kept whole), and
               its time as '~' and the ms after the first event's time, when that is shorter.
               Empty for a conflict.
Separators are control characters, which identifiers, accounts and statuses never contain (the
event parser refuses them): RS = \30, US = \31, GS = \29. No compared field is ever empty.
]]

local RS, US, GS, CONFLICT = '\30', '\31', '\29', '\26'
local SLOT_MS = 1000
local SLOTS_PER_SWEEP_MAX = 3600

local function split(text, separator)
  local items = {}
  for item in string.gmatch(text, '[^' .. separator .. ']+') do
    items[#items + 1] = item
  end
  return items
end

local DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz'

-- whole numbers (times in ms, counts) in base 36: 8 characters for a time, not 13
local function number_text(value)
  if value == nil then
    return ''
  end
  local n = math.floor(value)
  if n == 0 then
    return '0'
  end
  if n < 0 then
    return '-' .. number_text(-n)
  end
  local digits = {}
  while n > 0 do
    local digit = n % 36
    digits[#digits + 1] = string.sub(DIGITS, digit + 1, digit + 1)
    n = (n - digit) / 36
  end
  return string.reverse(table.concat(digits))
end

local function number_of(text)
  if text == nil or text == '' then
    return nil
  end
  if string.sub(text, 1, 1) == '-' then
    return -tonumber(string.sub(text, 2), 36)
  end
  return tonumber(text, 36)
end

-- every US separated part of text, empty ones included
local function fields(text)
  local parts = {}
  for part in string.gmatch(text .. US, '([^' .. US .. ']*)' .. US) do
    parts[#parts + 1] = part
  end
  return parts
end

local function after(base, offset)
  return offset and base + offset
end

local function since(base, time)
  return time and time - base
end

local function unpack_state(packed)
  local header_end = string.find(packed, RS, 1, true)
  local parts = fields(header_end and string.sub(packed, 1, header_end - 1) or packed)
  local first = number_of(parts[1])
  return {
    first = first,
    due = after(first, number_of(parts[2])),
    expires = after(first, number_of(parts[3])),
    body = header_end and string.sub(packed, header_end) or ''
  }
end

local function pack_state(state)
  local expires = state.expires and US .. number_text(since(state.first, state.expires)) or ''
  return number_text(state.first) .. US .. number_text(since(state.first, state.due)) .. expires .. state.body
end

--[[
An event time as '~' and the ms since the first event's time (the fraction kept as it is), when
that is shorter. Times of more than 10 base-36 digits are left whole: Lua's numbers are exact
only to 2^53.
]]
local function time_since(first, time)
  local first_ms = string.match(first, '^(-?[0-9a-z]+)')
  local ms, fraction = string.match(time, '^(-?[0-9a-z]+)(.*)$')
  if not first_ms or not ms or #first_ms > 10 or #ms > 10 then
    return time
  end
  local shifted = '~' .. number_text(number_of(ms) - number_of(first_ms)) .. fraction
  return #shifted < #time and shifted or time
end

--[[ An event's value with the compared fields it shares with the transaction's first event left empty. ]]
local function against_first_event(body, value)
  local entry = string.find(body, RS, 1, true)
  while entry and string.sub(body, entry + 1, entry + 1) == CONFLICT do
    entry = string.find(body, RS, entry + 1, true)
  end
  if not entry then
    return value
  end
  local from = string.find(body, GS, entry, true) + 1
  local to = string.find(body, RS, from, true)
  local first = fields(string.sub(body, from, to and to - 1 or -1))
  local parts = fields(value)
  for i, part in ipairs(parts) do
    if part == first[i] then
      parts[i] = ''
    end
  end
  local time = #parts
  if parts[time] ~= '' then
    parts[time] = time_since(first[time], parts[time])
  end
  return table.concat(parts, US)
end

-- RPUSH of every item, in calls of at most 1000 arguments (Lua's unpack has a stack limit)
local function push_all(list, items)
  for from = 1, #items, 1000 do
    redis.call('RPUSH', list, unpack(items, from, math.min(from + 999, #items)))
  end
end

local function slot_of(ms)
  return math.floor(ms / SLOT_MS)
end

--[[ Lists the transaction in the wheel slot of its due time, unless it is listed there already. ]]
local function schedule(wheel, txn_id, at, previous)
  if previous ~= nil and slot_of(previous) == slot_of(at) then
    return
  end
  local slot = slot_of(at)
  redis.call('RPUSH', wheel .. slot, txn_id)
  local cursor = tonumber(redis.call('GET', wheel .. 'c'))
  if cursor == nil or slot < cursor then
    redis.call('SET', wheel .. 'c', slot)
  end
end

local function has_source(body, source)
  return string.find(body, RS .. source .. US, 1, true) ~= nil
      or string.find(body, RS .. CONFLICT .. source .. US, 1, true) ~= nil
end

--[[
Records one entry of a transaction (or, with an empty field, only reads it) and says whether its
window has closed.
KEYS[1] the shard's transactions hash, KEYS[2] its wheel prefix, KEYS[3] its alive marker
ARGV: txn_id, field ('' to only read), value, received_ms, window_ms, retention_ms, now_ms,
      expected sources (comma separated), require_alive ('1' or '0'),
      sweeping ('1' leaves the deadline claimed until the caller has persisted the result)
Returns: { is_new (0/1), closed (0/1), packed state ('' when only reading an unknown transaction) }
]]
local function record(keys, args)
  local txns, wheel, alive = keys[1], keys[2], keys[3]
  local txn_id, field, value = args[1], args[2], args[3]
  local received, window, retention, now = tonumber(args[4]), tonumber(args[5]), tonumber(args[6]), tonumber(args[7])

  if args[9] == '1' and redis.call('EXISTS', alive) == 0 then
    return redis.error_reply('ACCORD_STATE_LOST correlation state of this shard is gone')
  end

  local packed = redis.call('HGET', txns, txn_id)
  local is_new = not packed
  if is_new and field == '' then
    -- nothing cached to read: the caller loads the transaction from PostgreSQL
    return { 1, 0, '' }
  end
  local state = unpack_state(packed or '')
  local scheduled = state.due or state.expires
  if field ~= '' and not string.find(state.body, RS .. field .. GS, 1, true) then
    if string.sub(field, 1, 1) ~= CONFLICT then
      value = against_first_event(state.body, value)
    end
    state.body = state.body .. RS .. field .. GS .. value
  end
  if state.first == nil or received < state.first then
    state.first = received
  end

  local complete = true
  for _, source in ipairs(split(args[8], ',')) do
    if not has_source(state.body, source) then
      complete = false
      break
    end
  end

  local deadline = state.first + window
  local closed = now >= deadline
  if args[10] == '1' then
    -- the sweeper settles the transaction itself, once the result is safely stored
    if state.due == nil and state.expires == nil then
      state.due = deadline
    end
  elseif complete or closed then
    state.due = nil
    state.expires = now + retention
  else
    state.due = deadline
    state.expires = nil
  end
  local at = state.due or state.expires
  schedule(wheel, txn_id, at, scheduled)
  packed = pack_state(state)
  redis.call('HSET', txns, txn_id, packed)
  return { is_new and 1 or 0, closed and 1 or 0, packed }
end

--[[
Claims up to ARGV[2] transactions of one shard whose deadline is at or before ARGV[1] (ms) by
moving their deadline ARGV[3] ms ahead: if the claiming instance dies before it has persisted the
results, the claim lapses and any instance closes them again. Drops the cached state of settled
transactions whose retention has ended, as it passes them.
KEYS[1] the shard's wheel prefix, KEYS[2] its alive marker: without it the wheel is gone with the
rest of the state, and the caller must rebuild rather than find nothing due. KEYS[3] the shard's
transactions hash. Returns the claimed txn ids.
]]
local function claim_due(keys, args)
  local wheel, alive, txns = keys[1], keys[2], keys[3]
  if redis.call('EXISTS', alive) == 0 then
    return redis.error_reply('ACCORD_STATE_LOST correlation state of this shard is gone')
  end
  local now, limit, lease = tonumber(args[1]), tonumber(args[2]), tonumber(args[3])
  local cursor = tonumber(redis.call('GET', wheel .. 'c'))
  if cursor == nil or cursor > slot_of(now) then
    return {}
  end
  local claimed = {}
  local last = math.min(slot_of(now), cursor + SLOTS_PER_SWEEP_MAX - 1)
  local next_cursor = nil
  for slot = cursor, last do
    local listed = redis.call('LRANGE', wheel .. slot, 0, -1)
    if #listed > 0 then
      local kept = {}
      for _, txn_id in ipairs(listed) do
        if #claimed >= limit then
          kept[#kept + 1] = txn_id
        else
          local packed = redis.call('HGET', txns, txn_id)
          if packed then
            local state = unpack_state(packed)
            if state.due ~= nil and state.due <= now then
              local previous = state.due
              state.due = now + lease
              schedule(wheel, txn_id, state.due, previous)
              redis.call('HSET', txns, txn_id, pack_state(state))
              claimed[#claimed + 1] = txn_id
            elseif state.due == nil and state.expires ~= nil and state.expires <= now then
              redis.call('HDEL', txns, txn_id)
            elseif slot_of(state.due or state.expires or -SLOT_MS) == slot then
              kept[#kept + 1] = txn_id -- due later within this slot
            end
          end
        end
      end
      if #kept > 0 then
        redis.call('DEL', wheel .. slot)
        push_all(wheel .. slot, kept)
        next_cursor = next_cursor or slot
      else
        redis.call('DEL', wheel .. slot)
      end
    end
    if #claimed >= limit then
      next_cursor = next_cursor or (slot + 1)
      break
    end
  end
  next_cursor = next_cursor or (last + 1)
  -- a claim made above may have lowered the cursor below this sweep's end; never raise it past one
  local current = tonumber(redis.call('GET', wheel .. 'c'))
  if current == nil or current == cursor then
    redis.call('SET', wheel .. 'c', next_cursor)
  end
  return claimed
end

--[[
Ends one claim of the sweeper once its result is stored: the transaction is settled and its state
kept for the retention — unless an event recorded since the claim re-armed the deadline (it is no
longer the claim's). That event was reconciled as still open, so the transaction must stay due for
the next sweep; settling it would leave it open for ever.
KEYS[1] the shard's transactions hash, KEYS[2] its wheel prefix;
ARGV: txn_id, the claim's deadline (ms), retention (ms), now (ms).
Returns 1 when released, 0 when re-armed.
]]
local function release(keys, args)
  local packed = redis.call('HGET', keys[1], args[1])
  if not packed then
    return 1
  end
  local state = unpack_state(packed)
  if state.due ~= nil and state.due ~= tonumber(args[2]) then
    return 0
  end
  local previous = state.due or state.expires
  state.due = nil
  state.expires = tonumber(args[4]) + tonumber(args[3])
  schedule(keys[2], args[1], state.expires, previous)
  redis.call('HSET', keys[1], args[1], pack_state(state))
  return 1
end

redis.register_function('accord_record', record)
redis.register_function('accord_claim_due', claim_due)
redis.register_function('accord_release', release)
