# Schemathesis hooks for test/fuzz/run.sh (loaded through SCHEMATHESIS_HOOKS).
import schemathesis

# Go's strconv.ParseBool, as the gateway reads `watch`.
TRUE = {"1", "t", "T", "TRUE", "true", "True"}


@schemathesis.hook
def map_case(context, case):
    # A watch streams until the client leaves; bounded to a second, the fuzzer reads a whole
    # answer and checks it instead of timing out on an open stream.
    query = case.query
    if isinstance(query, dict) and str(query.get("watch")) in TRUE:
        query["timeoutSeconds"] = 1
    return case
