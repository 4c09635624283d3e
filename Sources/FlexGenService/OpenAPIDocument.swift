/// The OpenAPI 3.0 description of the service, served at `GET /v1/openapi.json`. Written by hand
/// next to the handlers; FlexGenServiceTests checks that its paths and methods are exactly
/// `Route.all` and that every documented route answers.
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.0.3",
  "info": {
    "title": "FlexGen service",
    "version": "\#(OpenAPIDocument.infoVersion)",
    "description": "Energy-optimal configuration and resource allocation for flexible diffusion models at the edge, over HTTP. Formats: flexgen-problem/1, flexgen-profile/1, flexgen-solution/1 (see docs/formats in the repository). Every error is a JSON ErrorBody naming the JSON path and the reason of each issue."
  },
  "paths": {
    "/v1/solve": {
      "post": {
        "summary": "Solve a problem",
        "description": "Takes a flexgen-problem/1 whose profile is inline (a profile given as a file path is refused with 400) and returns a flexgen-solution/1. Every verdict is a 200: optimal, feasible, infeasible (with diagnostics), and time_limit / iteration_limit with the best checked solution. A solve stopped by the server's time limit before any feasible solution is a 503; a numerical failure a 500.",
        "operationId": "solve",
        "parameters": [
          {
            "name": "solver",
            "in": "query",
            "required": false,
            "description": "Solver variant; GET /v1/health lists the ones this server offers and its default.",
            "schema": { "type": "string", "enum": ["flexgen", "exhaustive", "full-model", "steps-only", "width-only", "equal-share", "greedy"], "default": "flexgen" }
          },
          {
            "name": "admission",
            "in": "query",
            "required": false,
            "description": "Admission control. none (default): every client must be served, and an overloaded problem is infeasible. max-served: serve the clients of greatest total priority that fit, at least energy; the solution lists the admitted clients and carries an admission block (admitted count and priority, a proven upper bound on the priority, and every rejected client with its reason: quality, deadline or capacity). Not available with equal-share or greedy (422).",
            "schema": { "type": "string", "enum": ["none", "max-served"], "default": "none" }
          }
        ],
        "requestBody": {
          "required": true,
          "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
        },
        "responses": {
          "200": {
            "description": "The solution. Headers FlexGen-Solver and FlexGen-Solver-Status repeat the variant and the status.",
            "headers": {
              "FlexGen-Solver": { "schema": { "type": "string" } },
              "FlexGen-Solver-Status": { "schema": { "$ref": "#/components/schemas/SolutionStatus" } }
            },
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Solution" } } }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "413": { "$ref": "#/components/responses/TooLarge" },
          "422": { "$ref": "#/components/responses/TooManyClients" },
          "500": { "$ref": "#/components/responses/Error" },
          "503": { "$ref": "#/components/responses/Error" }
        }
      }
    },
    "/v1/check": {
      "post": {
        "summary": "Re-evaluate a solution against its problem",
        "description": "Recomputes every latency, delivered bits, energy and constraint (relative tolerance 1e-6) independently of the solver. The verdict is in the body (passes, feasible, violations): 200 whatever it is; 400 only for invalid input.",
        "operationId": "check",
        "requestBody": {
          "required": true,
          "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CheckRequest" } } }
        },
        "responses": {
          "200": {
            "description": "The evaluation (flexgen-check/1, as flexgen check --json writes it).",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CheckReport" } } }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "413": { "$ref": "#/components/responses/TooLarge" },
          "422": { "$ref": "#/components/responses/TooManyClients" }
        }
      }
    },
    "/v1/validate": {
      "post": {
        "summary": "Re-measure a solution's quality with the built-in digits model",
        "description": "Runs the built-in flexible digits diffusion model (shipped weights) on every configuration the solution uses, with fresh seeds, scores the images with the shipped classifier (FD-digits) and compares the realised quality, with its 95 % CI, against each client's requirement and each service target, as flexgen validate does. Only for profiles whose metric is FD-digits (written by flexgen calibrate); another metric is a 422. Sampling must fit in the server's per-request time limit (--time-limit, also in GET /v1/health): the estimated cost, W + seeds × Σ_c (samplesPerSeed × (F_c / R + s_c × α) + S) with F_c the model's FLOPs per image of each distinct configuration (denoiser FLOPs per step × steps s_c), R the denoiser throughput and α a fixed time per image and step (both fitted once, when the model loads, through timed probes at widths 0.25 and 1), S the time to score one batch and W the warm-up, must be at most half the limit; otherwise a 422 names the field to lower (samplesPerSeed, seeds, or solution.clients), the estimate, the limit and the largest value that fits. Hard caps hold whatever the limit: seeds (default 2) at most 10, samplesPerSeed (default 100) 2 to 2000, at most 50000 images in all (distinct configurations × seeds × samplesPerSeed). An admitted validation still running when the time limit (counted from the request's arrival) passes is stopped at its next batch and answered 503; a client that closes its connection stops it too. The response to this route closes the connection (the server watches the connection for the client going away). No predicted compute times: they need the calibration timing file, which the service does not read (header FlexGen-Timing says so; timingSource, calibratedFlopsPerS and predicted* are absent). The verdicts are in the body: 200 whatever they are.",
        "operationId": "validate",
        "requestBody": {
          "required": true,
          "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ValidateRequest" } } }
        },
        "responses": {
          "200": {
            "description": "The validation report (as flexgen validate --json writes it).",
            "headers": { "FlexGen-Timing": { "schema": { "type": "string" }, "description": "Why the report has no predicted compute times." } },
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ValidationReport" } } }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "413": { "$ref": "#/components/responses/TooLarge" },
          "422": { "$ref": "#/components/responses/Unprocessable" },
          "503": { "$ref": "#/components/responses/Error" }
        }
      }
    },
    "/v1/health": {
      "get": {
        "summary": "Liveness, solver variants and limits",
        "operationId": "health",
        "responses": {
          "200": {
            "description": "The server is up.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Health" } } }
          }
        }
      }
    },
    "/metrics": {
      "get": {
        "summary": "Prometheus metrics",
        "description": "Text exposition format: flexgen_http_requests_total{method,path,status}, flexgen_http_request_duration_seconds{method,path}, flexgen_http_requests_in_flight, flexgen_solves_total{solver,status}, flexgen_solve_duration_seconds{solver,status}, flexgen_solve_clients.",
        "operationId": "metrics",
        "responses": {
          "200": { "description": "Metrics.", "content": { "text/plain": { "schema": { "type": "string" } } } }
        }
      }
    },
    "/v1/openapi.json": {
      "get": {
        "summary": "This document",
        "operationId": "openapi",
        "responses": {
          "200": { "description": "OpenAPI 3 document.", "content": { "application/json": { "schema": { "type": "object" } } } }
        }
      }
    }
  },
  "components": {
    "responses": {
      "BadRequest": {
        "description": "Malformed JSON, a schema violation or an invalid value; every issue with its JSON path.",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } }
      },
      "TooLarge": {
        "description": "The body exceeds the server's --max-body-bytes.",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } }
      },
      "TooManyClients": {
        "description": "The problem has more clients than the server's --max-clients.",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } }
      },
      "Unprocessable": {
        "description": "Valid input the route cannot serve: more clients than --max-clients, a profile metric other than FD-digits, a solution that does not fit the problem, or more sampling than the server allows; the path names the field.",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } }
      },
      "Error": {
        "description": "The solve stopped without a usable solution.",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } }
      }
    },
    "schemas": {
      "ErrorBody": {
        "type": "object",
        "required": ["error"],
        "properties": {
          "error": {
            "type": "object",
            "required": ["status", "path", "reason", "issues"],
            "properties": {
              "status": { "type": "integer", "description": "The HTTP status code." },
              "path": { "type": "string", "description": "JSON path of the first issue (empty: the document or the request).", "example": "clients[3].deadlineS" },
              "reason": { "type": "string", "example": "must be > 0, got -1" },
              "issues": {
                "type": "array",
                "items": {
                  "type": "object",
                  "required": ["path", "reason"],
                  "properties": { "path": { "type": "string" }, "reason": { "type": "string" } }
                }
              }
            }
          }
        }
      },
      "Server": {
        "type": "object",
        "additionalProperties": false,
        "required": ["bandwidthHz", "noisePsdWPerHz", "maxTxPowerW", "computeRateFlopsPerS", "energyPerFlopJ", "dvfsCoefficient"],
        "properties": {
          "bandwidthHz": { "type": "number", "minimum": 0, "exclusiveMinimum": true },
          "noisePsdWPerHz": { "type": "number", "minimum": 0, "exclusiveMinimum": true },
          "maxTxPowerW": { "type": "number", "minimum": 0, "exclusiveMinimum": true },
          "computeRateFlopsPerS": { "type": "number", "minimum": 0, "exclusiveMinimum": true },
          "energyPerFlopJ": { "type": "number", "minimum": 0 },
          "dvfsCoefficient": { "type": "number", "minimum": 0 },
          "maxJobComputeRateFlopsPerS": { "type": "number", "minimum": 0, "exclusiveMinimum": true }
        }
      },
      "Configuration": {
        "type": "object",
        "additionalProperties": false,
        "required": ["width", "steps", "flops", "quality"],
        "properties": {
          "width": { "type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1 },
          "steps": { "type": "integer", "minimum": 1 },
          "flops": { "type": "number", "minimum": 0, "exclusiveMinimum": true },
          "quality": { "type": "number" }
        }
      },
      "Profile": {
        "type": "object",
        "additionalProperties": false,
        "required": ["format", "name", "metric", "configs"],
        "properties": {
          "format": { "type": "string", "enum": ["flexgen-profile/1"] },
          "name": { "type": "string" },
          "metric": {
            "type": "object",
            "additionalProperties": false,
            "required": ["name", "better"],
            "properties": { "name": { "type": "string" }, "better": { "type": "string", "enum": ["lower", "higher"] } }
          },
          "configs": { "type": "array", "minItems": 1, "items": { "$ref": "#/components/schemas/Configuration" } }
        }
      },
      "Client": {
        "type": "object",
        "additionalProperties": false,
        "description": "Exactly one of channelGainDb and channelGain. Also checked (400 when broken): deadlineS > uplinkDelayS, ids unique.",
        "required": ["id", "deadlineS", "imageBits"],
        "oneOf": [ { "required": ["channelGainDb"] }, { "required": ["channelGain"] } ],
        "properties": {
          "id": { "type": "string", "minLength": 1 },
          "deadlineS": { "type": "number", "minimum": 0, "exclusiveMinimum": true },
          "uplinkDelayS": { "type": "number", "minimum": 0, "default": 0, "nullable": true },
          "channelGainDb": { "type": "number" },
          "channelGain": { "type": "number", "minimum": 0, "exclusiveMinimum": true },
          "imageBits": { "type": "number", "minimum": 0, "exclusiveMinimum": true },
          "qualityRequirement": { "type": "number", "nullable": true },
          "priority": { "type": "number", "minimum": 0, "exclusiveMinimum": true, "description": "Weight under admission control; default 1." }
        }
      },
      "ServiceTarget": {
        "type": "object",
        "additionalProperties": false,
        "required": ["meanQualityTarget"],
        "properties": {
          "clients": { "type": "array", "nullable": true, "minItems": 1, "items": { "type": "string" }, "description": "Absent or null: every client. Names clients of the problem, each once." },
          "meanQualityTarget": { "type": "number" }
        }
      },
      "Problem": {
        "type": "object",
        "additionalProperties": false,
        "required": ["format", "name", "server", "profile", "clients"],
        "properties": {
          "format": { "type": "string", "enum": ["flexgen-problem/1"] },
          "name": { "type": "string" },
          "server": { "$ref": "#/components/schemas/Server" },
          "profile": { "$ref": "#/components/schemas/Profile" },
          "clients": { "type": "array", "items": { "$ref": "#/components/schemas/Client" } },
          "serviceTargets": { "type": "array", "nullable": true, "items": { "$ref": "#/components/schemas/ServiceTarget" } }
        }
      },
      "SolutionStatus": {
        "type": "string",
        "enum": ["optimal", "feasible", "infeasible", "time_limit", "iteration_limit", "numerical_error"]
      },
      "ClientDecision": {
        "type": "object",
        "required": ["id", "width", "steps", "flops", "quality", "computeRateFlopsPerS", "bandwidthHz", "txPowerW", "txTimeS", "latencyS", "computeEnergyJ", "txEnergyJ"],
        "properties": {
          "id": { "type": "string" },
          "width": { "type": "number" },
          "steps": { "type": "integer" },
          "flops": { "type": "number" },
          "quality": { "type": "number" },
          "computeRateFlopsPerS": { "type": "number" },
          "bandwidthHz": { "type": "number" },
          "txPowerW": { "type": "number" },
          "txTimeS": { "type": "number" },
          "latencyS": { "type": "number" },
          "computeEnergyJ": { "type": "number" },
          "txEnergyJ": { "type": "number" }
        }
      },
      "Diagnostic": {
        "type": "object",
        "required": ["constraint", "clients", "message"],
        "properties": {
          "constraint": { "type": "string" },
          "clients": { "type": "array", "items": { "type": "string" } },
          "message": { "type": "string" },
          "minimumLatencyS": { "type": "number" },
          "requiredScale": { "type": "number" },
          "serviceTarget": { "type": "integer" },
          "bestReachableQuality": { "type": "number" }
        }
      },
      "Admission": {
        "type": "object",
        "description": "Present exactly when the solve ran in admission mode.",
        "required": ["mode", "admittedCount", "admittedPriority", "admittedPriorityUpperBound", "rejected"],
        "properties": {
          "mode": { "type": "string", "enum": ["max-served"] },
          "admittedCount": { "type": "integer", "minimum": 0 },
          "admittedPriority": { "type": "number", "minimum": 0 },
          "admittedPriorityUpperBound": { "type": "number", "minimum": 0 },
          "rejected": {
            "type": "array",
            "items": {
              "type": "object",
              "required": ["id", "reason", "message"],
              "properties": {
                "id": { "type": "string" },
                "reason": { "type": "string", "enum": ["quality", "deadline", "capacity"] },
                "message": { "type": "string" }
              }
            }
          }
        }
      },
      "Solution": {
        "type": "object",
        "required": ["format", "problem", "solver", "status", "solveTimeS", "clients"],
        "properties": {
          "format": { "type": "string", "enum": ["flexgen-solution/1"] },
          "problem": { "type": "string" },
          "solver": { "type": "string" },
          "status": { "$ref": "#/components/schemas/SolutionStatus" },
          "totalEnergyJ": { "type": "number" },
          "lowerBoundJ": { "type": "number" },
          "gap": { "type": "number" },
          "solveTimeS": { "type": "number" },
          "diagnostics": { "type": "array", "items": { "$ref": "#/components/schemas/Diagnostic" } },
          "clients": { "type": "array", "items": { "$ref": "#/components/schemas/ClientDecision" } },
          "prices": {
            "type": "object",
            "description": "FlexGen's extension: computeJPerFlopsPerS, bandwidthJPerHz (numbers) and serviceTargets (numbers). In a solution sent to /v1/check, a prices object of another shape (another writer's extension) is ignored."
          },
          "admission": { "$ref": "#/components/schemas/Admission" }
        }
      },
      "CheckRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": ["problem", "solution"],
        "properties": {
          "problem": { "$ref": "#/components/schemas/Problem" },
          "solution": { "$ref": "#/components/schemas/Solution" }
        }
      },
      "ValidateRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": ["problem", "solution"],
        "properties": {
          "problem": { "$ref": "#/components/schemas/Problem" },
          "solution": { "$ref": "#/components/schemas/Solution" },
          "seeds": { "type": "integer", "minimum": 1, "maximum": 10, "default": 2 },
          "samplesPerSeed": { "type": "integer", "minimum": 2, "maximum": 2000, "default": 100 }
        }
      },
      "QualityVerdict": { "type": "string", "enum": ["met", "met-within-noise", "missed-within-noise", "violated", "no-requirement"] },
      "ValidationReport": {
        "type": "object",
        "required": ["problem", "metric", "samplesPerSeed", "seeds", "configurations", "clients", "serviceTargets"],
        "properties": {
          "problem": { "type": "string" },
          "metric": { "type": "object" },
          "samplesPerSeed": { "type": "integer" },
          "seeds": { "type": "array", "items": { "type": "integer" } },
          "configurations": { "type": "array", "items": { "type": "object" }, "description": "Per configuration: width, steps, flopsPerImage, profileQuality, qualityBySeed, qualityMean, qualityCI95, labelAccuracy, meanConfidence, measuredSecondsPerImage." },
          "clients": {
            "type": "array",
            "items": {
              "type": "object",
              "required": ["id", "width", "steps", "realisedQuality", "realisedCI95", "verdict", "measuredComputeS", "plannedComputeS"],
              "properties": {
                "id": { "type": "string" },
                "width": { "type": "number" },
                "steps": { "type": "integer" },
                "requirement": { "type": "number" },
                "realisedQuality": { "type": "number" },
                "realisedCI95": { "type": "number" },
                "verdict": { "$ref": "#/components/schemas/QualityVerdict" },
                "measuredComputeS": { "type": "number" },
                "plannedComputeS": { "type": "number" }
              }
            }
          },
          "serviceTargets": {
            "type": "array",
            "items": {
              "type": "object",
              "required": ["index", "clients", "target", "realisedMean", "realisedCI95", "verdict"],
              "properties": {
                "index": { "type": "integer" },
                "clients": { "type": "array", "items": { "type": "string" } },
                "target": { "type": "number" },
                "realisedMean": { "type": "number" },
                "realisedCI95": { "type": "number" },
                "verdict": { "$ref": "#/components/schemas/QualityVerdict" }
              }
            }
          }
        }
      },
      "Violation": {
        "type": "object",
        "required": ["kind", "clients", "message"],
        "properties": {
          "kind": { "type": "string", "enum": ["latency", "delivery", "quality", "serviceTarget", "computeBudget", "bandwidthBudget", "power", "positivity", "configuration", "reportedValue", "missingClient", "unknownClient"] },
          "clients": { "type": "array", "items": { "type": "string" } },
          "message": { "type": "string" },
          "serviceTarget": { "type": "integer" }
        }
      },
      "CheckReport": {
        "type": "object",
        "required": ["format", "problem", "solver", "status", "relativeTolerance", "hasAllocation", "feasible", "passes", "totals", "clients", "serviceTargets", "violatedKinds", "violations"],
        "properties": {
          "format": { "type": "string", "enum": ["flexgen-check/1"] },
          "problem": { "type": "string" },
          "solver": { "type": "string" },
          "status": { "$ref": "#/components/schemas/SolutionStatus" },
          "relativeTolerance": { "type": "number" },
          "hasAllocation": { "type": "boolean" },
          "feasible": { "type": "boolean", "description": "An allocation exists and every constraint holds." },
          "passes": { "type": "boolean", "description": "Nothing the solution claims is wrong." },
          "totals": { "type": "object" },
          "clients": { "type": "array", "items": { "type": "object" } },
          "serviceTargets": { "type": "array", "items": { "type": "object" } },
          "violatedKinds": { "type": "array", "items": { "type": "string" } },
          "violations": { "type": "array", "items": { "$ref": "#/components/schemas/Violation" } }
        }
      },
      "Health": {
        "type": "object",
        "required": ["status", "solvers", "defaultSolver", "limits"],
        "properties": {
          "status": { "type": "string", "enum": ["ok"] },
          "solvers": { "type": "array", "items": { "type": "string" } },
          "defaultSolver": { "type": "string" },
          "limits": {
            "type": "object",
            "required": ["maxBodyBytes", "maxClients", "timeLimitS"],
            "properties": {
              "maxBodyBytes": { "type": "integer" },
              "maxClients": { "type": "integer" },
              "timeLimitS": { "type": "number" }
            }
          }
        }
      }
    }
  }
}
"""#
}
