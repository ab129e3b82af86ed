/**
 * The import graph Berth keeps: layers point one way and nothing imports in a circle.
 * `npm run lint:imports` checks it (CI runs it beside Biome); a violation is an error.
 *
 *   functions/ (HTTP, websocket, scheduled handlers)   agents/ (host agent)   local/ (the local stack)
 *                         \                                |                       /
 *                          `------------------------ shared/ ---------------------'
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A circle of imports hides which module is the lower layer; move the shared part below both.",
      from: {},
      to: { circular: true, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "no-circular-types",
      severity: "error",
      comment: "Type-only circles too: a type belongs to the module that defines the concept.",
      from: {},
      to: { circular: true },
    },
    {
      name: "shared-is-the-bottom-layer",
      severity: "error",
      comment:
        "shared/ is used by the functions, the agent and the local stack; it must not reach up into them (or into tests).",
      from: { path: "^shared/" },
      to: { path: "^(functions|agents|local|test|bench)/" },
    },
    {
      name: "the-model-is-the-bottom-layer",
      severity: "error",
      comment:
        "shared/model/ holds the records, statuses and the lifecycle every layer reads; it imports nothing but itself (and the host messages a record carries while its work is in flight).",
      from: { path: "^shared/model/" },
      to: { path: "^(shared/(?!model/|queue/host-messages\\.ts$)|functions/|agents/|local/|test/|bench/)" },
    },
    {
      name: "the-domain-does-not-read-requests",
      severity: "error",
      comment:
        "Requests are parsed in functions/http/ and the domain is handed what they ask for; only shared/http/ itself (and the microversion, a domain concept) is theirs.",
      from: { path: "^shared/", pathNot: "^shared/http/" },
      to: { path: "^shared/http/(request|context|handler|responses|route-table|middleware/)" },
    },
    {
      name: "the-agent-does-not-import-functions",
      severity: "error",
      comment: "The host agent runs on Docker hosts; what it shares with the functions lives in shared/.",
      from: { path: "^agents/" },
      to: { path: "^(functions|local)/" },
    },
    {
      name: "functions-do-not-import-the-agent",
      severity: "error",
      comment: "Functions run in Lambda; what they share with the agent lives in shared/.",
      from: { path: "^functions/" },
      to: { path: "^(agents|local)/" },
    },
    {
      name: "production-code-does-not-import-tests",
      severity: "error",
      from: { path: "^(shared|functions|agents|local)/" },
      to: { path: "^(test|bench)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|\\.build|\\.berth|\\.serverless)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".json"] },
  },
};
