// The function's IAM statements, as template.yaml's role grants them: only what the handler calls, on ARNs
// inside the given instances. Resource types per action follow the Service Authorization Reference for Amazon
// Connect. Kept statement for statement (same Sids, same actions) with template.yaml; test/unit checks it.
import * as iam from 'aws-cdk-lib/aws-iam';

/** The Connect statements for these instances (ARNs or tokens). */
export function connectStatements(instanceArns: string[]): iam.PolicyStatement[] {
  const under = (suffix: string) => instanceArns.map((arn) => `${arn}/${suffix}/*`);
  const users = under('agent');
  return [
    // CreateUser authorizes the new user and the routing profile, security profiles and hierarchy group it is
    // created with. Tags given at creation need no extra action.
    new iam.PolicyStatement({
      sid: 'CreateUsers',
      actions: ['connect:CreateUser'],
      resources: [...users, ...under('routing-profile'), ...under('security-profile'), ...under('agent-group')],
    }),
    // Voice settings go through UpdateUserConfig too: UpdateUserPhoneConfig would rewrite every channel's
    // after-contact work limit.
    new iam.PolicyStatement({
      sid: 'ManageUsers',
      actions: [
        'connect:DescribeUser',
        'connect:DeleteUser',
        'connect:UpdateUserIdentityInfo',
        'connect:UpdateUserConfig',
        'connect:TagResource',
        'connect:UntagResource',
      ],
      resources: users,
    }),
    new iam.PolicyStatement({
      sid: 'AssignRoutingProfile',
      actions: ['connect:UpdateUserRoutingProfile'],
      resources: [...users, ...under('routing-profile')],
    }),
    new iam.PolicyStatement({
      sid: 'AssignSecurityProfiles',
      actions: ['connect:UpdateUserSecurityProfiles'],
      resources: [...users, ...under('security-profile')],
    }),
    new iam.PolicyStatement({
      sid: 'AssignHierarchyGroup',
      actions: ['connect:UpdateUserHierarchy'],
      resources: [...users, ...under('agent-group')],
    }),
    // Proficiency actions authorize the instance and the user (no predefined-attribute resource type).
    new iam.PolicyStatement({
      sid: 'ManageProficiencies',
      actions: [
        'connect:AssociateUserProficiencies',
        'connect:DisassociateUserProficiencies',
        'connect:UpdateUserProficiencies',
        'connect:ListUserProficiencies',
      ],
      resources: [...instanceArns, ...users],
    }),
    // Finding a user by name when its username is taken (adoption).
    new iam.PolicyStatement({
      sid: 'FindUsers',
      actions: ['connect:SearchUsers'],
      resources: instanceArns,
    }),
    // The instance's identity-management type, read once per instance per execution environment. Optional:
    // without it Connect reports those problems itself.
    new iam.PolicyStatement({
      sid: 'DescribeInstances',
      actions: ['connect:DescribeInstance'],
      resources: instanceArns,
    }),
  ];
}

/** `secretsmanager:GetSecretValue` on one secret (its full ARN, or its partial ARN with the six-character wildcard). */
export function readSecretStatement(secretArnForPolicies: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArnForPolicies] });
}

/** `kms:Decrypt` on a customer-managed key, only when Secrets Manager calls it on the function's behalf. */
export function decryptThroughSecretsManagerStatement(keyArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['kms:Decrypt'],
    resources: [keyArn],
    conditions: { StringLike: { 'kms:ViaService': 'secretsmanager.*.amazonaws.com' } },
  });
}
