// Two ways to use the cfn-connect-user function from CDK: as the serviceToken of a plain CustomResource
// (the function answers CloudFormation itself), and as the onEvent handler of custom_resources.Provider
// (RESPONSE_MODE=return: the function returns its result and the framework answers).
import { CfnOutput, CfnParameter, CustomResource, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
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
        'connect:UpdateUserPhoneConfig',
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
  ];
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
    // inside custom resource properties.
    const password = new CfnParameter(this, 'UserPassword', {
      noEcho: true,
      minLength: 8,
      maxLength: 64,
      description: 'Initial password of the users (8-64 characters, upper and lower case and a digit)',
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

    const userProperties = (username: string, firstName: string, lastName: string) => ({
      InstanceArn: instanceArn,
      Username: username,
      Password: password,
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
      properties: userProperties('john.doe', 'John', 'Doe'),
    });

    // 2. Provider mode: the framework's function invokes ours synchronously and answers CloudFormation.
    const onEvent = providerFunction('ConnectUserOnEventFunction', { RESPONSE_MODE: 'return' });
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
      properties: userProperties('jane.roe', 'Jane', 'Roe'),
    });

    new CfnOutput(this, 'JohnDoeUserArn', { value: john.getAttString('UserArn') });
    new CfnOutput(this, 'JohnDoeUserId', { value: john.getAttString('UserId') });
    new CfnOutput(this, 'JaneRoeUserArn', { value: jane.getAttString('UserArn') });
    new CfnOutput(this, 'JaneRoeUserId', { value: jane.getAttString('UserId') });
  }
}
