"""The Lua scripts that make each mutation of the Redis store atomic (Redis runs a script whole,
with nothing in between). Arguments are computed in Python; the scripts only move bytes."""

# A Lua function the reading scripts share: the documents of `keys` (from index `first` on), in order.
_DOCUMENTS_OF = """
local function documents_of(hash, keys, first)
  local documents = {}
  for start = first, #keys, 4000 do
    local part = redis.call('HMGET', hash, unpack(keys, start, math.min(start + 3999, #keys)))
    for _, document in ipairs(part) do documents[#documents + 1] = document end
  end
  return documents
end
"""

# KEYS: documents, members, search texts, version, stamp counter, tenants set, then the sorted
# sets: one by key, then one ascending and one descending per ordering field; last, the change
# log (a sorted set of the keys written or deleted, scored by the stamp of that write).
# ARGV: tenant, sorted set count, then per document: key, JSON, search text, packed members.
UPSERT = """
local fields = tonumber(ARGV[2])
local stamp = redis.call('INCR', KEYS[5])
local inserted = 0
local i = 3
while i <= #ARGV do
  local key, document, text, packed = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local old = redis.call('HGET', KEYS[2], key)
  if old then
    local members = cmsgpack.unpack(old)
    for f = 1, fields do redis.call('ZREM', KEYS[6 + f], members[f]) end
  end
  if redis.call('HSET', KEYS[1], key, document) == 1 then inserted = inserted + 1 end
  local members = cmsgpack.unpack(packed)
  for f = 1, fields do redis.call('ZADD', KEYS[6 + f], 0, members[f]) end
  redis.call('HSET', KEYS[2], key, packed)
  if text ~= '' then redis.call('HSET', KEYS[3], key, text) else redis.call('HDEL', KEYS[3], key) end
  redis.call('ZADD', KEYS[#KEYS], stamp, key)
  i = i + 4
end
redis.call('SET', KEYS[4], stamp)
redis.call('SADD', KEYS[6], ARGV[1])
return inserted
"""

# KEYS as UPSERT's. ARGV: tenant, field count, then the keys to delete.
DELETE = """
local fields = tonumber(ARGV[2])
local stamp = redis.call('INCR', KEYS[5])
local deleted = 0
for i = 3, #ARGV do
  local key = ARGV[i]
  if redis.call('HDEL', KEYS[1], key) == 1 then
    deleted = deleted + 1
    local old = redis.call('HGET', KEYS[2], key)
    if old then
      local members = cmsgpack.unpack(old)
      for f = 1, fields do redis.call('ZREM', KEYS[6 + f], members[f]) end
      redis.call('HDEL', KEYS[2], key)
    end
    redis.call('HDEL', KEYS[3], key)
    redis.call('ZADD', KEYS[#KEYS], stamp, key)
  end
end
redis.call('SET', KEYS[4], stamp)
redis.call('SADD', KEYS[6], ARGV[1])
return deleted
"""

# Replaces tenants whole. KEYS: tenants set, stamp counter, then every key to delete first.
# ARGV: only-if-new flag, tenant count, then per tenant: its name, its command count, and its
# commands, each as: verb, key, argument count, arguments. A version key is set to a new stamp.
LOAD = """
local only_if_new = ARGV[1] == '1'
local count = tonumber(ARGV[2])
local i = 3
if only_if_new and redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 1 then return 0 end
for k = 3, #KEYS do redis.call('DEL', KEYS[k]) end
for t = 1, count do
  local tenant, commands = ARGV[i], tonumber(ARGV[i + 1])
  i = i + 2
  redis.call('SADD', KEYS[1], tenant)
  for c = 1, commands do
    local verb, key, n = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
    if verb == 'STAMP' then
      redis.call('SET', key, redis.call('INCR', KEYS[2]))
    elseif verb == 'CHANGED' then
      local stamp = redis.call('GET', KEYS[2])
      for a = 1, n do redis.call('ZADD', key, stamp, ARGV[i + 2 + a]) end
    else
      local args = {}
      for a = 1, n do args[a] = ARGV[i + 2 + a] end
      for start = 1, n, 4000 do
        redis.call(verb, key, unpack(args, start, math.min(start + 3999, n)))
      end
    end
    i = i + 3 + n
  end
end
return 1
"""

# KEYS: the tenants set, then every key of the tenants to delete. ARGV: the tenants.
RESET = """
for k = 2, #KEYS do redis.call('DEL', KEYS[k]) end
for t = 1, #ARGV do redis.call('SREM', KEYS[1], ARGV[t]) end
return 1
"""

# KEYS: documents, search texts, the sorted set of the ordering. ARGV: descending flag, offset,
# limit (-1: all), then the search terms (case-folded). Returns the count and the page's
# documents in order: a page without search reads only its own range.
QUERY = (
    _DOCUMENTS_OF
    + """
local zset, offset, limit = KEYS[3], tonumber(ARGV[2]), tonumber(ARGV[3])
local separator = ARGV[1] == '1' and '\\255' or '\\0'
local terms = {}
for t = 4, #ARGV do terms[#terms + 1] = ARGV[t] end
local function key_of(member)
  -- after the last separator: a key holds none, a NULL's placeholder may (sort_keys.py)
  local at = string.find(member, separator, 1, true)
  local later = string.find(member, separator, at + 1, true)
  while later do
    at = later
    later = string.find(member, separator, at + 1, true)
  end
  return string.sub(member, at + 1)
end
if #terms == 0 then
  local total = redis.call('ZCARD', zset)
  local stop = limit < 0 and -1 or offset + limit - 1
  local page = {}
  if limit ~= 0 and offset < total then
    for _, member in ipairs(redis.call('ZRANGE', zset, offset, stop)) do
      page[#page + 1] = key_of(member)
    end
  end
  return {total, documents_of(KEYS[1], page, 1)}
end
local matched, page = 0, {}
local members = redis.call('ZRANGE', zset, 0, -1)
for _, member in ipairs(members) do
  local key = key_of(member)
  local text = redis.call('HGET', KEYS[2], key)
  local found = text ~= false
  if found then
    for _, term in ipairs(terms) do
      if not string.find(text, term, 1, true) then found = false break end
    end
  end
  if found then
    if matched >= offset and (limit < 0 or #page < limit) then page[#page + 1] = key end
    matched = matched + 1
  end
end
return {matched, documents_of(KEYS[1], page, 1)}
"""
)

# KEYS: the clock hash. ARGV: verb (advance, freeze, release), the wall time, seconds.
CLOCK = """
local offset = tonumber(redis.call('HGET', KEYS[1], 'offset') or '0')
local frozen = redis.call('HGET', KEYS[1], 'frozen_at')
local wall, seconds = tonumber(ARGV[2]), tonumber(ARGV[3])
if ARGV[1] == 'advance' then
  if frozen then
    redis.call('HSET', KEYS[1], 'frozen_at', string.format('%.17g', tonumber(frozen) + seconds))
  else
    redis.call('HSET', KEYS[1], 'offset', string.format('%.17g', offset + seconds))
  end
elseif ARGV[1] == 'freeze' then
  if not frozen then redis.call('HSET', KEYS[1], 'frozen_at', string.format('%.17g', wall + offset)) end
  if frozen then redis.call('HSET', KEYS[1], 'frozen_at', frozen) end
elseif ARGV[1] == 'release' then
  if frozen then
    redis.call('HSET', KEYS[1], 'offset', string.format('%.17g', tonumber(frozen) - wall))
    redis.call('HDEL', KEYS[1], 'frozen_at')
  end
end
return redis.call('HMGET', KEYS[1], 'offset', 'frozen_at')
"""

# KEYS: the journal list, its sequence counter. ARGV: the entry's JSON without its id, the cap.
RECORD = """
local sequence = redis.call('INCR', KEYS[2])
redis.call('RPUSH', KEYS[1], sequence .. '|' .. ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
return sequence
"""

# KEYS: the journal list. ARGV: the tenant whose entries go ('' for entries without a tenant).
CLEAR_JOURNAL = """
local kept, removed = {}, 0
for _, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local entry = cjson.decode(string.sub(item, string.find(item, '|', 1, true) + 1))
  local tenant = entry.tenant
  if tenant == cjson.null then tenant = '' end
  if tenant == ARGV[1] then removed = removed + 1 else kept[#kept + 1] = item end
end
redis.call('DEL', KEYS[1])
for start = 1, #kept, 4000 do
  redis.call('RPUSH', KEYS[1], unpack(kept, start, math.min(start + 3999, #kept)))
end
return removed
"""

# KEYS: rules, probabilities, remaining times (hashes by rule field). ARGV: a random number in
# [0, 1), then the fields to try in order. Returns {field, rule, times before} or nil.
TAKE_FAULT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local draw = tonumber(ARGV[1])
for f = 2, #ARGV do
  local rule = redis.call('HGET', KEYS[1], ARGV[f])
  if rule then
    local probability = tonumber(redis.call('HGET', KEYS[2], ARGV[f]) or '1')
    if draw >= probability then return nil end
    local times = redis.call('HGET', KEYS[3], ARGV[f])
    if times then
      if tonumber(times) <= 1 then
        redis.call('HDEL', KEYS[1], ARGV[f])
        redis.call('HDEL', KEYS[2], ARGV[f])
        redis.call('HDEL', KEYS[3], ARGV[f])
      else
        redis.call('HINCRBY', KEYS[3], ARGV[f], -1)
      end
    end
    return {rule, times or ''}
  end
end
return nil
"""

# KEYS: version, change log, search texts, documents. ARGV: the version a process's search index
# is at (-1: none). Returns the version, the number of documents, the keys changed since with their
# search texts ("" for a document without one) flattened, and the keys deleted since.
SYNC = """
local version = tonumber(redis.call('GET', KEYS[1]) or '0')
local total = redis.call('HLEN', KEYS[4])
local since = tonumber(ARGV[1])
if since == version then return {version, total, {}, {}} end
local changed
if since < 0 then
  changed = redis.call('HKEYS', KEYS[4])
else
  changed = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[1], '+inf')
end
local present, deleted = {}, {}
for _, key in ipairs(changed) do
  local text = redis.call('HGET', KEYS[3], key)
  if not text and redis.call('HEXISTS', KEYS[4], key) == 1 then text = '' end
  if text then
    present[#present + 1] = key
    present[#present + 1] = text
  else
    deleted[#deleted + 1] = key
  end
end
return {version, total, present, deleted}
"""

# KEYS: version, then a sorted set or the documents. ARGV: the version expected, then (for the
# documents) the keys. Returns the whole sorted set, or the documents, or nil when the version
# moved on (a write came in between: the caller asks again).
AT_VERSION = (
    _DOCUMENTS_OF
    + """
if tonumber(redis.call('GET', KEYS[1]) or '0') ~= tonumber(ARGV[1]) then return false end
if #ARGV == 1 then return redis.call('ZRANGE', KEYS[2], 0, -1) end
return documents_of(KEYS[2], ARGV, 2)
"""
)

# KEYS: version, change log, members, a sorted set. ARGV: the version expected, the version a
# process's ranking of that sorted set is at, the sorted set's place in each document's member list
# (1: by key), the most changes worth answering. Returns, for the keys written or deleted since,
# each key and its rank in the sorted set now (-1 when deleted, -2 if not found), flattened; {-1} when there are
# more changes than that (the caller reads the whole set); nil when the version moved on.
RANKS_SINCE = """
if tonumber(redis.call('GET', KEYS[1]) or '0') ~= tonumber(ARGV[1]) then return false end
local changed = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[2], '+inf', 'LIMIT', 0, tonumber(ARGV[4]) + 1)
if #changed > tonumber(ARGV[4]) then return {-1} end
local place, found = tonumber(ARGV[3]), {}
for _, key in ipairs(changed) do
  local packed = redis.call('HGET', KEYS[3], key)
  local rank = -1
  if packed then rank = redis.call('ZRANK', KEYS[4], cmsgpack.unpack(packed)[place]) or -2 end
  found[#found + 1] = key
  found[#found + 1] = rank
end
return found
"""
