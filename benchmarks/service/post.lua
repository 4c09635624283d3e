-- wrk script: POST the file named by $FLEXGEN_BODY to the URL, and count non-200 answers.
local file = assert(io.open(os.getenv("FLEXGEN_BODY"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
