// An osls plugin: gives every function an IAM role of its own, holding only the
// grants its `permissions:` list names (each grant is a list of IAM statements
// in `custom.permissions`) and the writes to its own log group. A function with
// no `permissions:` (an empty list is fine) or naming an unknown grant stops
// the packaging: no function falls back to a shared role.
"use strict";

class BerthFunctionRoles {
  constructor(serverless) {
    this.serverless = serverless;
    serverless.configSchemaHandler.defineFunctionProperties("aws", {
      properties: { permissions: { type: "array", items: { type: "string" } } },
    });
    this.hooks = {
      "before:package:initialize": () => this.giveEachFunctionItsRole(),
      "before:deploy:function:initialize": () => this.giveEachFunctionItsRole(),
    };
  }

  giveEachFunctionItsRole() {
    const service = this.serverless.service;
    const naming = this.serverless.getProvider("aws").naming;
    const grants = service.custom?.permissions || {};
    const problems = [];
    const roles = {};
    for (const name of service.getAllFunctions()) {
      const definition = service.getFunction(name);
      if (definition.role !== undefined) {
        problems.push(`function ${name} names a role itself: list what it may touch in \`permissions:\` instead`);
        continue;
      }
      if (!Array.isArray(definition.permissions)) {
        problems.push(
          `function ${name} has no \`permissions:\` (list the grants of custom.permissions it needs, or [] for none)`,
        );
        continue;
      }
      const unknown = definition.permissions.filter((grant) => !Object.hasOwn(grants, grant));
      if (unknown.length > 0) {
        problems.push(`function ${name} asks for ${unknown.join(", ")}, which custom.permissions does not define`);
        continue;
      }
      const roleId = `${naming.getNormalizedFunctionName(name)}LambdaRole`;
      roles[roleId] = roleFor(naming.getLogGroupName(definition.name), definition.permissions, grants);
      definition.role = roleId;
    }
    if (problems.length > 0) {
      throw new this.serverless.classes.Error(`Berth cannot give every function a role: ${problems.join("; ")}.`);
    }
    service.resources = service.resources || {};
    service.resources.Resources = { ...(service.resources.Resources || {}), ...roles };
  }
}

function roleFor(logGroupName, permissions, grants) {
  const writesItsLogs = {
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: [
      {
        "Fn::Sub": `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${logGroupName}:*`,
      },
    ],
  };
  return {
    Type: "AWS::IAM::Role",
    Properties: {
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] }],
      },
      Policies: [
        {
          PolicyName: "what-this-function-touches",
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [writesItsLogs, ...permissions.flatMap((grant) => grants[grant])],
          },
        },
      ],
    },
  };
}

module.exports = BerthFunctionRoles;
