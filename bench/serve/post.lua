-- post.lua — wrk script: POST the JSON body in $PAYBAND_BENCH_BODY.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("PAYBAND_BENCH_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
