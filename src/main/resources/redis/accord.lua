#!lua name=accord_v1
--[[
Accord's correlation state, one atomic call per event.

Keys of one call share a hash tag (the shard), so every call touches one Redis Cluster slot:
  KEYS[1]  <prefix>{s<n>}:t:<txn_id>   hash: e:<source>:<event_id> -> event JSON,
                                        c:<source>:<event_id> -> 1 (conflicting re-send),
                                        s:<source> -> 1, _first -> first receive time (ms),
                                        _n -> number of distinct entries (events + conflicts)
  KEYS[2]  <prefix>{s<n>}:deadlines     sorted set: txn_id scored by window deadline (ms)
  KEYS[3]  <prefix>{s<n>}:alive         marker written when the shard's state is (re)built;
                                        its absence means Redis lost the state (flush, restart)
ARGV: txn_id, field ('' to only read), value, received_ms, window_ms, retention_ms, now_ms,
      expected sources (comma separated), require_alive ('1' or '0'),
      sweeping ('1' leaves the deadline claimed until the caller has persisted the result)
Returns: { is_new (0/1), closed (0/1), flat HGETALL of the transaction }
]]

local function split(csv)
  local items = {}
  for item in string.gmatch(csv, '[^,]+') do
    items[#items + 1] = item
  end
  return items
end

local function record(keys, args)
  local txn, deadlines, alive = keys[1], keys[2], keys[3]
  local txn_id, field, value = args[1], args[2], args[3]
  local received, window, retention, now = tonumber(args[4]), tonumber(args[5]), tonumber(args[6]), tonumber(args[7])

  if args[9] == '1' and redis.call('EXISTS', alive) == 0 then
    return redis.error_reply('ACCORD_STATE_LOST correlation state of this shard is gone')
  end

  local is_new = redis.call('EXISTS', txn) == 0
  if is_new and field == '' then
    -- nothing cached to read: the caller loads the transaction from PostgreSQL
    return { 1, 0, {} }
  end
  if field ~= '' and redis.call('HSETNX', txn, field, value) == 1 then
    redis.call('HINCRBY', txn, '_n', 1)
    local source = string.match(field, '^[ec]:([^:]+):')
    if source then
      redis.call('HSET', txn, 's:' .. source, '1')
    end
  end

  local first = tonumber(redis.call('HGET', txn, '_first'))
  if first == nil or received < first then
    first = received
    redis.call('HSET', txn, '_first', first)
  end

  local complete = true
  for _, source in ipairs(split(args[8])) do
    if redis.call('HEXISTS', txn, 's:' .. source) == 0 then
      complete = false
      break
    end
  end

  local deadline = first + window
  local closed = now >= deadline
  if args[10] == '1' then
    -- the sweeper releases the claim itself, once the result is safely stored
  elseif complete or closed then
    redis.call('ZREM', deadlines, txn_id)
    redis.call('PEXPIRE', txn, retention)
  else
    redis.call('ZADD', deadlines, deadline, txn_id)
    redis.call('PERSIST', txn)
  end

  return { is_new and 1 or 0, closed and 1 or 0, redis.call('HGETALL', txn) }
end

--[[
Claims up to ARGV[2] transactions of one shard whose deadline is at or before ARGV[1] (ms) by
moving their score ARGV[3] ms ahead: if the claiming instance dies before it has persisted the
results, the claim lapses and any instance closes them again.
KEYS[1] the shard's deadlines sorted set, KEYS[2] (optional, so callers passing one key keep
working) its alive marker: without it the deadlines are gone with the rest of the state, and the
caller must rebuild rather than find nothing due. Returns the claimed txn ids.
]]
local function claim_due(keys, args)
  if #keys >= 2 and redis.call('EXISTS', keys[2]) == 0 then
    return redis.error_reply('ACCORD_STATE_LOST correlation state of this shard is gone')
  end
  local now, limit, lease = tonumber(args[1]), tonumber(args[2]), tonumber(args[3])
  local due = redis.call('ZRANGEBYSCORE', keys[1], '-inf', now, 'LIMIT', 0, limit)
  for _, txn_id in ipairs(due) do
    redis.call('ZADD', keys[1], now + lease, txn_id)
  end
  return due
end

--[[
Ends one claim of the sweeper once its result is stored: removes the deadline and lets the state
expire after the retention — unless an event recorded since the claim re-armed the deadline (its
score is no longer the claim's). That event was reconciled as still open, so the transaction
must stay due for the next sweep; removing its deadline would leave it open for ever.
KEYS[1] the shard's deadlines sorted set, KEYS[2] the transaction's hash;
ARGV: txn_id, the claim's score (ms), retention (ms). Returns 1 when released, 0 when re-armed.
]]
local function release(keys, args)
  local score = redis.call('ZSCORE', keys[1], args[1])
  if score and tonumber(score) ~= tonumber(args[2]) then
    return 0
  end
  redis.call('ZREM', keys[1], args[1])
  redis.call('PEXPIRE', keys[2], tonumber(args[3]))
  return 1
end

redis.register_function('accord_record', record)
redis.register_function('accord_claim_due', claim_due)
redis.register_function('accord_release', release)
