import FlexGen

extension OpenAPIDocument {
    /// `info.version` of the document: the toolkit's version, the one `flexgen --version` prints.
    static let infoVersion = FlexGenVersion.string

    /// The operations: paths, parameters, responses, headers and the security scheme. Bodies refer
    /// to `#/components/schemas/NAME` only; `build` fills `components/schemas` from docs/schemas
    /// (names: `componentName(file:def:)`) and drops the security parts for a server without a token.
    static let operations = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "FlexGen service",
    "version": "\#(OpenAPIDocument.infoVersion)",
    "description": "Energy-optimal configuration and resource allocation for flexible diffusion models at the edge, over HTTP. The request and response bodies are the JSON Schemas of docs/schemas (draft 2020-12; the file formats flexgen-problem/1, flexgen-profile/1, flexgen-solution/1, flexgen-check/1 and the service's own bodies), embedded under components/schemas. A body that breaks its schema is a 400; one that satisfies it but breaks a relation no JSON Schema states (duplicate ids, a service target naming an unknown client, a repeated (width, steps)) is a 422. Every response carries FlexGen-Request-Id; every error is an ErrorBody naming the JSON path and the reason of each issue."
  },
  "paths": {
    "/v1/solve": {
      "post": {
        "summary": "Solve a problem",
        "description": "Takes a flexgen-problem/1 whose profile is inline (a profile given as a file path is refused with 400) and returns a flexgen-solution/1. Every verdict is a 200: optimal, feasible, infeasible (with diagnostics), and time_limit / iteration_limit with the best checked solution. A solve stopped by the server's time limit before any feasible solution is a 503; one stopped by the iteration limit, or whose energy leaves Double's range, a 422; any other numerical failure a 500.",
        "operationId": "solve",
        "parameters": [
          {
            "name": "solver",
            "in": "query",
            "required": false,
            "description": "Solver variant; GET /v1/health lists the ones this server offers and its default.",
            "schema": {
              "type": "string",
              "enum": [
                "flexgen",
                "exhaustive",
                "full-model",
                "steps-only",
                "width-only",
                "equal-share",
                "greedy"
              ],
              "default": "flexgen"
            }
          },
          {
            "name": "admission",
            "in": "query",
            "required": false,
            "description": "Admission control. none (default): every client must be served, and an overloaded problem is infeasible. max-served: serve the clients of greatest total priority that fit, at least energy; the solution lists the admitted clients and carries an admission block (admitted count and priority, a proven upper bound on the priority, and every rejected client with its reason: quality, deadline or capacity). Not available with equal-share or greedy (422).",
            "schema": {
              "type": "string",
              "enum": [
                "none",
                "max-served"
              ],
              "default": "none"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ProblemInlineProblemDocument"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The solution. Headers FlexGen-Solver and FlexGen-Solver-Status repeat the variant and the status.",
            "headers": {
              "FlexGen-Request-Id": {
                "$ref": "#/components/headers/RequestId"
              },
              "FlexGen-Solver": {
                "schema": {
                  "type": "string"
                },
                "description": "The variant that solved."
              },
              "FlexGen-Solver-Status": {
                "schema": {
                  "$ref": "#/components/schemas/SolutionStatus"
                },
                "description": "The solution's status."
              },
              "FlexGen-Clients": {
                "schema": {
                  "type": "string"
                },
                "description": "The problem's client count."
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Solution"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "408": {
            "$ref": "#/components/responses/RequestTimeout"
          },
          "413": {
            "$ref": "#/components/responses/TooLarge"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "500": {
            "$ref": "#/components/responses/ServerError"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ]
      }
    },
    "/v1/check": {
      "post": {
        "summary": "Re-evaluate a solution against its problem",
        "description": "Recomputes every latency, delivered bits, energy and constraint (relative tolerance 1e-6) independently of the solver. The verdict is in the body (passes, feasible, violations): 200 whatever it is; 400 only for invalid input.",
        "operationId": "check",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/CheckRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The evaluation (flexgen-check/1, as flexgen check --json writes it).",
            "headers": {
              "FlexGen-Request-Id": {
                "$ref": "#/components/headers/RequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Check"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "408": {
            "$ref": "#/components/responses/RequestTimeout"
          },
          "413": {
            "$ref": "#/components/responses/TooLarge"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ]
      }
    },
    "/v1/validate": {
      "post": {
        "summary": "Re-measure a solution's quality with the built-in digits model",
        "description": "Runs the built-in flexible diffusion model of the profile's metric (shipped weights: the digits model for FD-digits, the Fashion-MNIST U-Net at the default guidance scale for FD-fashion, which also needs Debian's dataset-fashion-mnist on the server, else a 503) on every configuration the solution uses, with fresh seeds, scores the images with the shipped classifier and compares the realised quality, with its 95 % CI, against each client's requirement and each service target, as flexgen validate does. Only for profiles whose metric is FD-digits or FD-fashion (written by flexgen calibrate); another metric is a 422. Sampling must fit in the server's per-request time limit (--time-limit, also in GET /v1/health): the estimated cost, W + seeds × Σ_c (samplesPerSeed × (F_c / R + s_c × α) + S) with F_c the model's FLOPs per image of each distinct configuration (denoiser FLOPs per step × steps s_c), R the denoiser throughput and α a fixed time per image and step (both fitted once, when the model loads, through timed probes at widths 0.25 and 1), S the time to score one batch and W the warm-up, must be at most half the limit; otherwise a 422 names the field to lower (samplesPerSeed, seeds, or solution.clients), the estimate, the limit and the largest value that fits. Hard caps hold whatever the limit: seeds (default 2) at most 10, samplesPerSeed (default 100) 2 to 2000, at most 50000 images in all (distinct configurations × seeds × samplesPerSeed). An admitted validation still running when the time limit (counted from the request's arrival) passes is stopped at its next batch and answered 503; a client that closes its connection stops it too. The response to this route closes the connection (the server watches the connection for the client going away). No predicted compute times: they need the calibration timing file, which the service does not read (header FlexGen-Timing says so; timingSource, calibratedFlopsPerS and predicted* are absent). The verdicts are in the body: 200 whatever they are.",
        "operationId": "validate",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ValidateRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The validation report (as flexgen validate --json writes it).",
            "headers": {
              "FlexGen-Request-Id": {
                "$ref": "#/components/headers/RequestId"
              },
              "FlexGen-Timing": {
                "schema": {
                  "type": "string"
                },
                "description": "Why the report has no predicted compute times."
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ValidationReport"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "408": {
            "$ref": "#/components/responses/RequestTimeout"
          },
          "413": {
            "$ref": "#/components/responses/TooLarge"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ]
      }
    },
    "/v1/health": {
      "get": {
        "summary": "Liveness, solver variants and limits",
        "operationId": "health",
        "responses": {
          "200": {
            "description": "The server is up.",
            "headers": {
              "FlexGen-Request-Id": {
                "$ref": "#/components/headers/RequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                }
              }
            }
          }
        },
        "description": "Always open, also with --auth-token-file: an orchestrator's probe calls it without credentials.",
        "security": []
      }
    },
    "/metrics": {
      "get": {
        "summary": "Prometheus metrics",
        "description": "Text exposition format: flexgen_http_requests_total{method,path,status}, flexgen_http_request_duration_seconds{method,path}, flexgen_http_requests_in_flight, flexgen_solves_total{solver,status}, flexgen_solve_duration_seconds{solver,status}, flexgen_solve_clients. Protected by the bearer token unless the server runs with --metrics-public.",
        "operationId": "metrics",
        "responses": {
          "200": {
            "description": "Metrics.",
            "headers": {
              "FlexGen-Request-Id": {
                "$ref": "#/components/headers/RequestId"
              }
            },
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ]
      }
    },
    "/v1/openapi.json": {
      "get": {
        "summary": "This document",
        "operationId": "openapi",
        "responses": {
          "200": {
            "description": "This OpenAPI 3.1 document, built from the JSON Schemas in docs/schemas.",
            "headers": {
              "FlexGen-Request-Id": {
                "$ref": "#/components/headers/RequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ]
      }
    }
  },
  "security": [
    {
      "bearerAuth": []
    }
  ],
  "components": {
    "securitySchemes": {
      "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "flexgen serve --auth-token-file FILE: every route but GET /v1/health (and GET /metrics with --metrics-public) requires Authorization: Bearer <the file's token>, compared in constant time."
      }
    },
    "headers": {
      "RequestId": {
        "description": "The request's id, also in the server's log line (hb.request.id).",
        "required": true,
        "schema": {
          "type": "string"
        }
      },
      "RetryAfter": {
        "description": "Seconds to wait before retrying.",
        "schema": {
          "type": "integer",
          "minimum": 0
        }
      },
      "WWWAuthenticate": {
        "description": "The bearer challenge (RFC 6750): Bearer realm=\"flexgen\", with error=\"invalid_token\" when a token was given but is wrong.",
        "required": true,
        "schema": {
          "type": "string"
        }
      }
    },
    "responses": {
      "BadRequest": {
        "description": "The body breaks its JSON Schema (malformed JSON, a missing or unknown key, a null, a value out of range) or a query parameter is invalid; every issue with its JSON path.",
        "headers": {
          "FlexGen-Request-Id": {
            "$ref": "#/components/headers/RequestId"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/ErrorBody"
            }
          }
        }
      },
      "Unauthorized": {
        "description": "Missing or wrong bearer token (only when the server runs with --auth-token-file).",
        "headers": {
          "FlexGen-Request-Id": {
            "$ref": "#/components/headers/RequestId"
          },
          "WWW-Authenticate": {
            "$ref": "#/components/headers/WWWAuthenticate"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/ErrorBody"
            }
          }
        }
      },
      "RequestTimeout": {
        "description": "The request was not received in full within the server's --read-timeout.",
        "headers": {
          "FlexGen-Request-Id": {
            "$ref": "#/components/headers/RequestId"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/ErrorBody"
            }
          }
        }
      },
      "TooLarge": {
        "description": "The body exceeds the server's --max-body-bytes.",
        "headers": {
          "FlexGen-Request-Id": {
            "$ref": "#/components/headers/RequestId"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/ErrorBody"
            }
          }
        }
      },
      "Unprocessable": {
        "description": "Valid against the schema but not servable: a relation between values no JSON Schema states is broken (duplicate client ids, a service target naming an unknown client, a repeated (width, steps), a target over every client of a problem without clients), more clients than --max-clients, a solution that does not fit the problem, admission mode with a solver that has none, a solve that reached the solver's iteration limit before any feasible solution (a retry would too), an instance whose energy leaves Double's range (a numerical_error whose first diagnostic is overflow), or (validate) a profile metric other than FD-digits or more sampling than the server allows; the path names the field.",
        "headers": {
          "FlexGen-Request-Id": {
            "$ref": "#/components/headers/RequestId"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/ErrorBody"
            }
          }
        }
      },
      "ServerError": {
        "description": "The solver failed numerically (status numerical_error, other than overflow), or the answer could not be encoded.",
        "headers": {
          "FlexGen-Request-Id": {
            "$ref": "#/components/headers/RequestId"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/ErrorBody"
            }
          }
        }
      },
      "Unavailable": {
        "description": "No solve slot: the queue is full (--max-queued-solves; at once) or the wait reached the time limit (both with Retry-After), or the solve or validation reached the time limit before any usable result, or the server is shutting down.",
        "headers": {
          "FlexGen-Request-Id": {
            "$ref": "#/components/headers/RequestId"
          },
          "Retry-After": {
            "$ref": "#/components/headers/RetryAfter"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/ErrorBody"
            }
          }
        }
      }
    },
    "schemas": {}
  }
}
"""#
}
