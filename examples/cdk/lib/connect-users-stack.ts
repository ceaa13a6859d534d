// Two ways to use the cfn-connect-user function from CDK: as the serviceToken of a plain CustomResource
// (the function answers CloudFormation itself), and as the onEvent handler of custom_resources.Provider
// (RESPONSE_MODE=return: the function returns its result and the framework answers).
import { CfnOutput, CfnParameter, CustomResource, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/** The CloudFormation type of the users; without it CDK emits AWS::CloudFormation::CustomResource. */
export const RESOURCE_TYPE = 'Custom::ConnectUser';

export interface ConnectUsersStackProps extends StackProps {
  /** Directory holding the `bootstrap` binary (`cargo lambda build --release --arm64` output). */
  readonly providerCodePath: string;
}

/**
 * The Connect permissions the function needs, scoped to the given instances (ARNs or tokens).
 * Resource types per action follow the Service Authorization Reference for Amazon Connect.
 */
export function connectUserPolicyStatements(instanceArns: string[]): iam.PolicyStatement[] {
  const under = (suffix: string) => instanceArns.map((arn) => `${arn}/${suffix}/*`);
  const users = under('agent');
  return [
    new iam.PolicyStatement({
      sid: 'CreateUsers',
      actions: ['connect:CreateUser'],
      resources: [...users, ...under('routing-profile'), ...under('security-profile'), ...under('agent-group')],
    }),
    new iam.PolicyStatement({
      sid: 'ManageUsers',
      actions: [
        'connect:DescribeUser',
        'connect:DeleteUser',
        'connect:UpdateUserIdentityInfo',
        // Voice settings too: UpdateUserPhoneConfig would rewrite every channel's after-contact-work limit.
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
    new iam.PolicyStatement({
      sid: 'FindUsers',
      actions: ['connect:SearchUsers'],
      resources: instanceArns,
    }),
    // The instance's identity-management type, read once per execution environment; optional (without it,
    // Connect reports those problems itself).
    new iam.PolicyStatement({
      sid: 'DescribeInstances',
      actions: ['connect:DescribeInstance'],
      resources: instanceArns,
    }),
  ];
}

/**
 * What `PasswordSecretArn` needs: `secretsmanager:GetSecretValue` on the given secrets (ARNs or tokens), and,
 * for secrets under customer-managed KMS keys, `kms:Decrypt` on those keys through Secrets Manager only.
 * The same statements as template.yaml's `PasswordSecretNamePrefix` and `PasswordSecretKmsKeyArns`.
 */
export function passwordSecretPolicyStatements(secretArns: string[], kmsKeyArns: string[] = []): iam.PolicyStatement[] {
  const statements = [
    new iam.PolicyStatement({
      sid: 'ReadPasswordSecrets',
      actions: ['secretsmanager:GetSecretValue'],
      resources: secretArns,
    }),
  ];
  if (kmsKeyArns.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'DecryptPasswordSecrets',
        actions: ['kms:Decrypt'],
        resources: kmsKeyArns,
        conditions: { StringLike: { 'kms:ViaService': 'secretsmanager.*.amazonaws.com' } },
      }),
    );
  }
  return statements;
}

export class ConnectUsersStack extends Stack {
  constructor(scope: Construct, id: string, props: ConnectUsersStackProps) {
    super(scope, id, props);

    const instanceArn = new CfnParameter(this, 'InstanceArn', {
      description: 'ARN of the Amazon Connect instance',
      allowedPattern: '^arn:aws[a-z-]*:connect:[a-z0-9-]+:[0-9]{12}:instance/[-a-zA-Z0-9]+$',
    }).valueAsString;
    const routingProfileArn = new CfnParameter(this, 'RoutingProfileArn', {
      description: 'ARN of a routing profile of the instance',
    }).valueAsString;
    const securityProfileArn = new CfnParameter(this, 'SecurityProfileArn', {
      description: 'ARN of a security profile of the instance',
    }).valueAsString;
    // A NoEcho parameter: CloudFormation does not resolve secretsmanager or ssm-secure dynamic references
    // inside custom resource properties. Jane below shows the better way, PasswordSecretArn.
    const password = new CfnParameter(this, 'UserPassword', {
      noEcho: true,
      minLength: 8,
      maxLength: 64,
      description: 'Initial password of john.doe (8-64 characters, upper and lower case and a digit)',
    }).valueAsString;

    const code = lambda.Code.fromAsset(props.providerCodePath);
    const providerFunction = (name: string, environment?: Record<string, string>) => {
      const fn = new lambda.Function(this, name, {
        code,
        handler: 'bootstrap',
        runtime: lambda.Runtime.PROVIDED_AL2023,
        architecture: lambda.Architecture.ARM_64,
        // Same reasoning as template.yaml: a small binary that waits on throttled Connect calls and
        // answers before its own deadline.
        memorySize: 128,
        timeout: Duration.minutes(15),
        environment,
        loggingFormat: lambda.LoggingFormat.JSON,
        applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
        systemLogLevelV2: lambda.SystemLogLevel.WARN,
        logGroup: new logs.LogGroup(this, `${name}Logs`, {
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      });
      connectUserPolicyStatements([instanceArn]).forEach((s) => fn.addToRolePolicy(s));
      return fn;
    };

    // Jane's password never appears in the template, the event or any log: the function reads it from this
    // secret when it creates her (PasswordSecretArn). The provider framework logs every event's properties in
    // clear, so a provider-mode user should always get its password this way.
    const janePassword = new secretsmanager.Secret(this, 'JaneRoePassword', {
      description: 'Initial Amazon Connect password of jane.roe, read by the Custom::ConnectUser function',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'jane.roe' }),
        generateStringKey: 'password',
        // Connect wants 8-64 characters with upper and lower case and a digit; one of each type is the default.
        passwordLength: 32,
        requireEachIncludedType: true,
      },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    type Credentials = { Password: string } | { PasswordSecretArn: string; PasswordSecretJsonKey: string };
    const userProperties = (username: string, firstName: string, lastName: string, credentials: Credentials) => ({
      InstanceArn: instanceArn,
      Username: username,
      ...credentials,
      IdentityInfo: { FirstName: firstName, LastName: lastName, Email: `${username}@example.com` },
      PhoneConfig: { PhoneType: 'SOFT_PHONE', AutoAccept: true, AfterContactWorkTimeLimit: 120 },
      RoutingProfileArn: routingProfileArn,
      SecurityProfileArns: [securityProfileArn],
      Tags: [{ Key: 'team', Value: 'support' }],
    });

    // 1. Ordinary mode: CloudFormation invokes the function, which PUTs its answer to the response URL.
    const direct = providerFunction('ConnectUserFunction');
    const john = new CustomResource(this, 'JohnDoe', {
      serviceToken: direct.functionArn,
      resourceType: RESOURCE_TYPE,
      serviceTimeout: Duration.minutes(5),
      properties: userProperties('john.doe', 'John', 'Doe', { Password: password }),
    });

    // 2. Provider mode: the framework's function invokes ours synchronously and answers CloudFormation.
    const onEvent = providerFunction('ConnectUserOnEventFunction', { RESPONSE_MODE: 'return' });
    // GetSecretValue on this one secret only (grantRead would add DescribeSecret, which the function never calls).
    // A secret under a customer-managed key would also pass janePassword.encryptionKey.keyArn here.
    passwordSecretPolicyStatements([janePassword.secretArn]).forEach((s) => onEvent.addToRolePolicy(s));
    const provider = new cr.Provider(this, 'ConnectUserProvider', {
      onEventHandler: onEvent,
      logGroup: new logs.LogGroup(this, 'ConnectUserProviderLogs', {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    const jane = new CustomResource(this, 'JaneRoe', {
      serviceToken: provider.serviceToken,
      resourceType: RESOURCE_TYPE,
      properties: userProperties('jane.roe', 'Jane', 'Roe', {
        PasswordSecretArn: janePassword.secretArn,
        PasswordSecretJsonKey: 'password',
      }),
    });

    new CfnOutput(this, 'JohnDoeUserArn', { value: john.getAttString('UserArn') });
    new CfnOutput(this, 'JohnDoeUserId', { value: john.getAttString('UserId') });
    new CfnOutput(this, 'JaneRoeUserArn', { value: jane.getAttString('UserArn') });
    new CfnOutput(this, 'JaneRoeUserId', { value: jane.getAttString('UserId') });
  }
}
