// An osls plugin: refuses to package a stage that would run open or leak its
// secrets. Every packaged stage is a deployed one (the local stack does not
// package), so each needs an identity provider, no dev tokens, and the sealing
// key only as a reference CloudFormation resolves at deploy time.
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
    const key = provider.BERTH_SECRET_KEY;
    if (typeof key === "string" && key !== "" && !key.startsWith("{{resolve:")) {
      problems.push(
        "BERTH_SECRET_KEY would be written into the template in clear: keep the key in AWS Secrets Manager " +
          "and set BERTH_SECRET_KEY='{{resolve:secretsmanager:<secret name>}}'",
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
