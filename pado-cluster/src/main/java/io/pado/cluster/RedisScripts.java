package io.pado.cluster;

/**
 * The Lua scripts of {@link RedisBroker}. Each is passed every key it touches, all of one topic and so in one Redis
 * Cluster slot ({@code pado:{TOPIC}:…}); presence deadlines come from the server's clock ({@code TIME}), so nodes'
 * clocks do not matter. A topic's keys:
 * <ul>
 * <li>{@code pado:{T}:meta}, a hash: {@code epoch} (the history's name) and {@code last} (the last offset);
 * <li>{@code pado:{T}:log}, the stream: entry id {@code OFFSET-0}, fields {@code i} (message id), {@code d} (data)
 *     and {@code e} (epoch), trimmed with {@code MAXLEN ~};
 * <li>{@code pado:{T}:members}, a hash: presence name → {@code NODE|DEADLINE_MILLIS};
 * <li>{@code pado:{T}:presence}, a short stream whose entries only say "presence changed" to the followers.
 * </ul>
 */
final class RedisScripts {
    private RedisScripts() {
    }

    /** The epoch, created from ARGV[1] if the topic has none. KEYS: meta. */
    private static final String EPOCH = """
            local epoch = redis.call('HGET', KEYS[1], 'epoch')
            if not epoch then
              epoch = ARGV[1]
              redis.call('HSET', KEYS[1], 'epoch', epoch, 'last', 0)
            end
            """;

    /**
     * Appends messages. KEYS: meta, log. ARGV: epoch candidate, MAXLEN, retry ("1": skip ids among the last 1000
     * entries, returning their offsets), then id, data pairs. Returns {epoch, offset…}.
     */
    static final String APPEND = EPOCH + """
            local last = tonumber(redis.call('HGET', KEYS[1], 'last'))
            local known = {}
            if ARGV[3] == '1' then
              for _, entry in ipairs(redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1000)) do
                local fields = entry[2]
                for j = 1, #fields, 2 do
                  if fields[j] == 'i' then known[fields[j + 1]] = string.match(entry[1], '^(%d+)') end
                end
              end
            end
            local out = {epoch}
            for i = 4, #ARGV, 2 do
              local kept = known[ARGV[i]]
              if kept then
                out[#out + 1] = kept
              else
                last = last + 1
                redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], last .. '-0', 'i', ARGV[i], 'd', ARGV[i + 1],
                  'e', epoch)
                out[#out + 1] = tostring(last)
              end
            end
            redis.call('HSET', KEYS[1], 'last', last)
            return out
            """;

    /** The head. KEYS: meta, log. ARGV: epoch candidate. Returns {epoch, first, last}. */
    static final String HEAD = EPOCH + """
            local last = tonumber(redis.call('HGET', KEYS[1], 'last'))
            local first = last + 1
            local oldest = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
            if #oldest > 0 then first = tonumber(string.match(oldest[1][1], '^(%d+)')) end
            return {epoch, tostring(first), tostring(last)}
            """;

    private static final String NOW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local function nudge() redis.call('XADD', KEYS[2], 'MAXLEN', '~', 100, '*', 'c', '1') end
            """;

    /** Claims a name. KEYS: members, presence. ARGV: name, node, ttl millis. Returns 1 or 0 (a live holder). */
    static final String CLAIM = NOW + """
            local held = redis.call('HGET', KEYS[1], ARGV[1])
            if held then
              local holder, deadline = string.match(held, '^(.*)|(%d+)$')
              if holder ~= ARGV[2] and tonumber(deadline) > now then return 0 end
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. (now + tonumber(ARGV[3])))
            if not held then nudge() end
            return 1
            """;

    /** Releases a name the node holds. KEYS: members, presence. ARGV: name, node. */
    static final String RELEASE = NOW + """
            local held = redis.call('HGET', KEYS[1], ARGV[1])
            if held and string.match(held, '^(.*)|%d+$') == ARGV[2] then
              redis.call('HDEL', KEYS[1], ARGV[1])
              nudge()
            end
            return 1
            """;

    /**
     * The node's entries become exactly its names, refreshed; expired entries go. KEYS: members, presence. ARGV:
     * node, ttl millis, names… Returns {name, node, name, node…} of everyone listed.
     */
    static final String ROSTER = NOW + """
            local mine = {}
            for i = 3, #ARGV do mine[ARGV[i]] = true end
            local deadline = ARGV[1] .. '|' .. (now + tonumber(ARGV[2]))
            local all = redis.call('HGETALL', KEYS[1])
            local out = {}
            local changed = false
            for i = 1, #all, 2 do
              local name = all[i]
              local holder, until_ = string.match(all[i + 1], '^(.*)|(%d+)$')
              if holder == ARGV[1] then
                if mine[name] then
                  redis.call('HSET', KEYS[1], name, deadline)
                  out[#out + 1] = name
                  out[#out + 1] = holder
                else
                  redis.call('HDEL', KEYS[1], name)
                  changed = true
                end
              elseif tonumber(until_) <= now then
                redis.call('HDEL', KEYS[1], name)
                changed = true
                if mine[name] then
                  redis.call('HSET', KEYS[1], name, deadline)
                  out[#out + 1] = name
                  out[#out + 1] = ARGV[1]
                end
              else
                out[#out + 1] = name
                out[#out + 1] = holder
              end
              mine[name] = nil
            end
            for i = 3, #ARGV do
              local name = ARGV[i]
              if mine[name] then
                redis.call('HSET', KEYS[1], name, deadline)
                out[#out + 1] = name
                out[#out + 1] = ARGV[1]
                changed = true
                mine[name] = nil
              end
            end
            if changed then nudge() end
            return out
            """;
}
