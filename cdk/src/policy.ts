// The function's IAM statements, as template.yaml's role grants them: only what the handler calls, on ARNs
// inside the given instances. Resource types per action follow the Service Authorization Reference for Amazon
// Connect. Kept statement for statement (same Sids, same actions) with template.yaml; test/unit checks it.
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The Connect statements for these instances (ARNs or tokens). `trafficDistributionGroups`: the ARN pattern of
 * the account's traffic distribution groups in every region, `arn:<partition>:connect:*:<account>:`
 * `traffic-distribution-group/*`.
 */
export function connectStatements(instanceArns: string[], trafficDistributionGroups: string): iam.PolicyStatement[] {
  const under = (suffix: string) => instanceArns.map((arn) => `${arn}/${suffix}/*`);
  const users = under('agent');
  return [
    // CreateUser authorizes the new user and the routing profile, security profiles and hierarchy group it is
    // created with (tags given at creation need no extra action); each Update of a placement authorizes the user and
    // the profile or group. One statement on the four resource types: an action is checked only against the types it
    // authorizes, so this grants exactly what four statements would, with four ARNs per instance instead of ten.
    new iam.PolicyStatement({
      sid: 'CreateAndPlaceUsers',
      actions: [
        'connect:CreateUser',
        'connect:UpdateUserRoutingProfile',
        'connect:UpdateUserSecurityProfiles',
        'connect:UpdateUserHierarchy',
      ],
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
    // trafficDistributionGroupArns (Global Resiliency): each group is read, and its users listed to repair drift,
    // in the group's home region. A group's ARN does not name an instance: any group of the account.
    new iam.PolicyStatement({
      sid: 'ReadTrafficDistributionGroups',
      actions: ['connect:DescribeTrafficDistributionGroup', 'connect:ListTrafficDistributionGroupUsers'],
      resources: [trafficDistributionGroups],
    }),
    // Associating and disassociating (before the user is deleted) authorize the group and the user.
    new iam.PolicyStatement({
      sid: 'AssignTrafficDistributionGroups',
      actions: ['connect:AssociateTrafficDistributionGroupUser', 'connect:DisassociateTrafficDistributionGroupUser'],
      resources: [trafficDistributionGroups, ...users],
    }),
    // Reads of the instance, all read-only, in one statement on the instance and everything under it, so that
    // each instance costs the role two ARNs here (IAM allows 10,240 characters of inline policy): its
    // identity-management type (optional: without it Connect reports those problems itself), a user by name when its
    // username is taken (adoption), and the names of routingProfileName, securityProfileNames and hierarchyGroupPath.
    new iam.PolicyStatement({
      sid: 'ReadInstances',
      actions: [
        'connect:DescribeInstance',
        'connect:SearchUsers',
        'connect:SearchRoutingProfiles',
        'connect:SearchSecurityProfiles',
        'connect:SearchUserHierarchyGroups',
      ],
      resources: [...instanceArns, ...instanceArns.map((arn) => `${arn}/*`)],
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
