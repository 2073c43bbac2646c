# A stdio MCP server in busybox sh, for containers without Python: answers initialize, tools/list and one tool,
# token_hash, with the SHA-256 of $API_KEY (never the value). The official SDK writes one compact JSON object per
# line, so the id and the method are found by pattern.
while IFS= read -r line; do
    id=$(printf '%s' "$line" | sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p')
    case "$line" in
    *'"method":"initialize"'*)
        printf '{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"busybox","version":"1"}}}\n' "$id" ;;
    *'"method":"tools/list"'*)
        printf '{"jsonrpc":"2.0","id":%s,"result":{"tools":[{"name":"token_hash","inputSchema":{"type":"object"}}]}}\n' "$id" ;;
    *'"method":"tools/call"'*)
        hash=$(printf '%s' "$API_KEY" | sha256sum | cut -c1-64)
        printf '{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"%s"}],"isError":false}}\n' "$id" "$hash" ;;
    esac
done
