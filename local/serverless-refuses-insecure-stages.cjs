// An osls plugin: refuses to package a stage that would run open or leak its
// secrets. Every packaged stage is a deployed one (the local stack does not
// package), so each needs an identity provider, no dev tokens, and the sealing
// key only by the name of the SSM parameter that holds it.
"use strict";

const DEV_TOKEN_SETTINGS = ["BERTH_LOCAL_DEV_TOKENS", "BERTH_DEV_TOKENS"];

class BerthRefusesInsecureStages {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      "before:package:initialize": () => this.check(),
      "before:deploy:function:initialize": () => this.check(),
    };
  }

  check() {
    const service = this.serverless.service;
    const stage = this.serverless.getProvider("aws").getStage();
    const provider = service.provider.environment || {};
    const problems = [];
    if (isEmpty(provider.BERTH_JWT_ISSUER) || isEmpty(provider.BERTH_JWT_AUDIENCE)) {
      problems.push(
        "it has no identity provider: set BERTH_JWT_ISSUER and BERTH_JWT_AUDIENCE (your issuer and its app client id), " +
          "or BERTH_IDENTITY_PROVIDER=cognito to create a Cognito user pool with the stage",
      );
    }
    for (const [where, environment] of environments(service, provider)) {
      for (const name of DEV_TOKEN_SETTINGS) {
        if (name in environment) problems.push(`${where} sets ${name}: dev tokens are for the local stack only`);
      }
    }
    const keyInstead =
      "keep the key in an SSM SecureString parameter and name it in BERTH_SECRET_KEY_PARAMETER " +
      "(functions and agents read it at run time)";
    for (const [where, environment] of environments(service, provider)) {
      if ("BERTH_SECRET_KEY" in environment)
        problems.push(`${where} sets BERTH_SECRET_KEY, which would put the sealing key in the template: ${keyInstead}`);
    }
    if (!isEmpty(process.env.BERTH_SECRET_KEY)) {
      problems.push(`BERTH_SECRET_KEY is set here, but a deployed stage never takes the key itself: ${keyInstead}`);
    }
    const parameter = provider.BERTH_SECRET_KEY_PARAMETER;
    if (typeof parameter !== "string" || !/^\/[A-Za-z0-9_.\-/]+$/.test(parameter)) {
      problems.push(
        "BERTH_SECRET_KEY_PARAMETER must name an SSM parameter by its full path, e.g. /berth-prod/secret-key",
      );
    }
    if (problems.length > 0) {
      throw new this.serverless.classes.Error(`Berth refuses to package stage ${stage}: ${problems.join("; ")}.`);
    }
  }
}

function* environments(service, provider) {
  yield ["provider.environment", provider];
  for (const name of service.getAllFunctions()) yield [`function ${name}`, service.getFunction(name).environment || {}];
}

function isEmpty(value) {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

module.exports = BerthRefusesInsecureStages;
