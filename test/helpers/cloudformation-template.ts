/** Reading a packaged CloudFormation template: resources by type, the functions' roles and what they allow. */
export function resourcesOfType(template: any, type: string): Array<[string, any]> {
  return Object.entries<any>(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** The roles the functions run with, by logical id. */
export function functionRoles(template: any): Array<[string, any]> {
  const ids = new Set(
    resourcesOfType(template, "AWS::Lambda::Function").map(([, fn]) => fn.Properties.Role["Fn::GetAtt"][0]),
  );
  return resourcesOfType(template, "AWS::IAM::Role").filter(([id]) => ids.has(id));
}

export function statementsOf(role: any): any[] {
  return role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
}

/** Every action a function's role allows, sorted. */
export function allowedActions(template: any, functionId: string): string[] {
  const role = template.Resources[`${functionId}LambdaRole`];
  const allowed = statementsOf(role).filter((statement) => statement.Effect === "Allow");
  return [...new Set(allowed.flatMap((statement) => [statement.Action].flat()))].sort();
}
