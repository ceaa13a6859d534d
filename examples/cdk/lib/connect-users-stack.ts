// Two Amazon Connect users declared with the cfn-connect-user-cdk construct library, one for each way CDK can
// reach the function: John through a provider in DIRECT mode (CloudFormation invokes the function, which
// answers CloudFormation itself), Jane through one in FRAMEWORK mode (custom_resources.Provider calls the
// function, which returns its result with RESPONSE_MODE=return). Most stacks need only the first.
import { CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ConnectUser, ConnectUserProvider, PhoneType, ProviderMode } from 'cfn-connect-user-cdk';
import { Construct } from 'constructs';

export interface ConnectUsersStackProps extends StackProps {
  /**
   * Directory holding the `bootstrap` binary (`cargo lambda build --release --arm64` output). Absent: the
   * prebuilt package bundled in the library, as an app that installs it from the registry gets it.
   */
  readonly providerCodePath?: string;
}

export class ConnectUsersStack extends Stack {
  constructor(scope: Construct, id: string, props: ConnectUsersStackProps = {}) {
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
    // inside custom resource properties. Jane below shows the better way, passwordSecret.
    const password = new CfnParameter(this, 'UserPassword', {
      noEcho: true,
      minLength: 8,
      maxLength: 64,
      description: 'Initial password of john.doe (8-64 characters, upper and lower case and a digit)',
    }).valueAsString;

    const code = props.providerCodePath === undefined ? undefined : lambda.Code.fromAsset(props.providerCodePath);
    const common = {
      instanceArn,
      routingProfileArn,
      securityProfileArns: [securityProfileArn],
      phoneConfig: { phoneType: PhoneType.SOFT_PHONE, autoAccept: true, afterContactWorkTimeLimit: 120 },
      tags: [{ key: 'team', value: 'support' }],
    };

    // 1. DIRECT: CloudFormation invokes the function, which PUTs its answer to the response URL.
    const direct = new ConnectUserProvider(this, 'ConnectUsers', { instanceArns: [instanceArn], code });
    const john = new ConnectUser(this, 'JohnDoe', {
      ...common,
      provider: direct,
      username: 'john.doe',
      password,
      identityInfo: { firstName: 'John', lastName: 'Doe', email: 'john.doe@example.com' },
      serviceTimeout: Duration.minutes(5),
    });

    // 2. FRAMEWORK: the framework's function invokes ours synchronously and answers CloudFormation.
    const framework = new ConnectUserProvider(this, 'ConnectUsersViaFramework', {
      instanceArns: [instanceArn],
      code,
      mode: ProviderMode.FRAMEWORK,
    });
    // Jane's password never appears in the template, the event or any log: the function reads it from this
    // secret when it creates her. The framework logs every event's properties in clear, so a provider-mode user
    // should always get its password this way.
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
    const jane = new ConnectUser(this, 'JaneRoe', {
      ...common,
      provider: framework,
      username: 'jane.roe',
      passwordSecret: janePassword, // grants GetSecretValue on this secret to that provider's function alone
      passwordSecretJsonKey: 'password',
      identityInfo: { firstName: 'Jane', lastName: 'Roe', email: 'jane.roe@example.com' },
    });

    new CfnOutput(this, 'JohnDoeUserArn', { value: john.userArn });
    new CfnOutput(this, 'JohnDoeUserId', { value: john.userId });
    new CfnOutput(this, 'JaneRoeUserArn', { value: jane.userArn });
    new CfnOutput(this, 'JaneRoeUserId', { value: jane.userId });
  }
}
