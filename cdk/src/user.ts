// ConnectUser: one Custom::ConnectUser resource with typed properties, rendered through the one table of
// properties.ts. The function validates everything; here only what can be told at synth without duplicating it.
import { CustomResource, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { renderProperties, WIRE_NAMES } from './properties';
import type { IConnectUserProvider } from './provider';
import type {
  AfterContactWorkConfigPerChannel,
  AutoAcceptConfig,
  IdentityInfo,
  PersistentConnectionConfig,
  PhoneConfig,
  PhoneNumberConfig,
  UserProficiency,
  UserTag,
  VoiceEnhancementConfig,
} from './types';

/**
 * Properties of a ConnectUser: those of `AWS::Connect::User` in camelCase, plus `adoptExisting`,
 * `passwordSecret`, `passwordSecretJsonKey`, `reconcileToken`, the names that may stand for the ARNs
 * (`routingProfileName`, `securityProfileNames`, `hierarchyGroupPath`) and `trafficDistributionGroupArns`. The
 * function checks every rule when the stack is deployed and reports every problem at once, each with its
 * property path.
 *
 * The ARN properties also take the `aws_connect` L1 resources of the app (`CfnRoutingProfile`,
 * `CfnSecurityProfile`, `CfnUserHierarchyGroup`, `CfnTrafficDistributionGroup`), whose ARN attribute is sent.
 */
export interface ConnectUserProps {
  /** The provider: a `ConnectUserProvider`, or `ConnectUserProvider.fromServiceToken(…)`. */
  readonly provider: IConnectUserProvider;

  /** `arn:<partition>:connect:<region>:<account>:instance/<id>`. Changing it replaces the user. */
  readonly instanceArn: string;
  /**
   * 1–64 characters of `a-z A-Z 0-9 _ . @ -` (at most 20 on `CONNECT_MANAGED` and `EXISTING_DIRECTORY`
   * instances). Changing it replaces the user.
   */
  readonly username: string;
  /**
   * `<instanceArn>/routing-profile/<id>`, or a `CfnRoutingProfile` (its `attrRoutingProfileArn` is sent).
   * Exactly one of `routingProfileArn` and `routingProfileName` is required.
   * @default - none: give `routingProfileName`
   */
  readonly routingProfileArn?: string | connect.CfnRoutingProfile;
  /**
   * The routing profile's name in the user's instance, which the function resolves to its ARN when the stack
   * deploys: the same props then fit every instance that has a profile of that name. Exactly one of
   * `routingProfileArn` and `routingProfileName` is required.
   * @default - none: give `routingProfileArn`
   */
  readonly routingProfileName?: string;
  /**
   * 1–10 distinct `<instanceArn>/security-profile/<id>`, each an ARN or a `CfnSecurityProfile` (its
   * `attrSecurityProfileArn` is sent). Exactly one of `securityProfileArns` and `securityProfileNames` is required.
   * @default - none: give `securityProfileNames`
   */
  readonly securityProfileArns?: (string | connect.CfnSecurityProfile)[];
  /**
   * 1–10 distinct names of security profiles of the user's instance, resolved by the function as
   * `routingProfileName` is. Exactly one of `securityProfileArns` and `securityProfileNames` is required.
   * @default - none: give `securityProfileArns`
   */
  readonly securityProfileNames?: string[];

  /**
   * The initial password: 8–64 characters, no whitespace, a lower-case letter, an upper-case letter and a digit.
   * Visible to anyone who can read the template: prefer `passwordSecret`. Excludes `passwordSecret`.
   * @default - none (required on `CONNECT_MANAGED` instances unless `passwordSecret` is given)
   */
  readonly password?: string;
  /**
   * A Secrets Manager secret holding the initial password, read by the function when it creates the user. The
   * provider is granted `secretsmanager:GetSecretValue` on it (and `kms:Decrypt` through Secrets Manager for a
   * customer-managed key). Excludes `password`.
   * @default - none
   */
  readonly passwordSecret?: secretsmanager.ISecret;
  /**
   * The key of the password when the secret is a JSON object (`password` for a secret generated with
   * `generateStringKey: 'password'`). Only with `passwordSecret`.
   * @default - the whole secret string is the password
   */
  readonly passwordSecretJsonKey?: string;

  /**
   * The user's id in the instance's directory (`EXISTING_DIRECTORY`). Cannot change without a new `username`.
   * @default - none
   */
  readonly directoryUserId?: string;
  /**
   * `<instanceArn>/agent-group/<id>`, or a `CfnUserHierarchyGroup` (its `attrUserHierarchyGroupArn` is sent).
   * Excludes `hierarchyGroupPath`.
   * @default - the user is in no hierarchy group
   */
  readonly hierarchyGroupArn?: string | connect.CfnUserHierarchyGroup;
  /**
   * The hierarchy group by the names of its levels joined with `/`, from the top (`Europe/Berlin/Team 4`),
   * resolved by the function in the user's instance. Excludes `hierarchyGroupArn`.
   * @default - the user is in no hierarchy group
   */
  readonly hierarchyGroupPath?: string;
  /**
   * Name and contact details.
   * @default - none
   */
  readonly identityInfo?: IdentityInfo;
  /**
   * Voice settings.
   * @default - none
   */
  readonly phoneConfig?: PhoneConfig;
  /**
   * Per-channel auto-accept.
   * @default - none
   */
  readonly autoAcceptConfigs?: AutoAcceptConfig[];
  /**
   * Per-channel after-contact work.
   * @default - none
   */
  readonly afterContactWorkConfigs?: AfterContactWorkConfigPerChannel[];
  /**
   * Per-channel phone type and number.
   * @default - none
   */
  readonly phoneNumberConfigs?: PhoneNumberConfig[];
  /**
   * Per-channel persistent connection.
   * @default - none
   */
  readonly persistentConnectionConfigs?: PersistentConnectionConfig[];
  /**
   * Per-channel voice enhancement.
   * @default - none
   */
  readonly voiceEnhancementConfigs?: VoiceEnhancementConfig[];
  /**
   * Proficiencies: predefined attributes of the instance, levels 1–5.
   * @default - none
   */
  readonly userProficiencies?: UserProficiency[];
  /**
   * At most 49 tags (Connect's 50 less the function's owner tag).
   * @default - none
   */
  readonly tags?: UserTag[];
  /**
   * Amazon Connect Global Resiliency: the traffic distribution groups the user belongs to, distinct, each an ARN
   * (`arn:<partition>:connect:<region>:<account>:traffic-distribution-group/<id>`) or a
   * `CfnTrafficDistributionGroup` (its `attrTrafficDistributionGroupArn` is sent). The function associates the
   * user with each in the group's home region, repairs drift, and disassociates the user before deleting it.
   * @default - none
   */
  readonly trafficDistributionGroupArns?: (string | connect.CfnTrafficDistributionGroup)[];

  /**
   * Take over a user of the same name that no stack owns, instead of failing. Such a user existed before the
   * stack, so `removalPolicy` then defaults to `RETAIN`: neither the rollback of a failed first deployment nor
   * the stack's deletion deletes it. Whether a user is taken over is known only when the stack deploys, so a
   * user created instead is kept too. With `removalPolicy: RemovalPolicy.DESTROY`, both are deleted.
   * @default false
   */
  readonly adoptExisting?: boolean;
  /**
   * Never sent to Connect: changing it alone makes CloudFormation send an Update, which repairs drift.
   * @default - none
   */
  readonly reconcileToken?: string;

  /**
   * How long CloudFormation waits for the function before failing the resource.
   * @default - CloudFormation's default (one hour)
   */
  readonly serviceTimeout?: Duration;
  /**
   * What happens to the Connect user when the resource leaves the stack or is replaced (both its
   * `DeletionPolicy` and its `UpdateReplacePolicy`).
   * @default RETAIN when adoptExisting is true, else DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** An Amazon Connect user, managed by the `Custom::ConnectUser` function. */
export class ConnectUser extends Construct {
  /** The CloudFormation type of the resource. */
  public static readonly RESOURCE_TYPE = 'Custom::ConnectUser';

  /** The custom resource. Its `ref` is the user's ARN. */
  public readonly resource: CustomResource;
  /** `arn:aws:connect:<region>:<account>:instance/<instance id>/agent/<user id>`. */
  public readonly userArn: string;
  /** The user id. */
  public readonly userId: string;
  /** The ARN of the user's instance. */
  public readonly instanceArn: string;
  /** The ARN of the user's routing profile: `routingProfileArn`'s, or the one `routingProfileName` names. */
  public readonly routingProfileArn: string;
  /**
   * The ARNs of the user's security profiles, joined with commas (the `SecurityProfileArns` attribute, a string):
   * `securityProfileArns`, or those `securityProfileNames` name. `securityProfileArnList` has them as a list.
   */
  public readonly securityProfileArns: string;
  /**
   * The same ARNs as a list token (`Fn::Split` of `securityProfileArns`), for a property that takes a list. Its
   * length is unknown at synth: pass it whole, or pick an entry with `Fn.select`.
   */
  public readonly securityProfileArnList: string[];
  /**
   * The ARN of the user's hierarchy group: `hierarchyGroupArn`'s, or the one `hierarchyGroupPath` names; an empty
   * string when the user is in none.
   */
  public readonly hierarchyGroupArn: string;

  constructor(scope: Construct, id: string, props: ConnectUserProps) {
    super(scope, id);
    checkProps(this, props);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: props.provider.serviceToken,
      resourceType: ConnectUser.RESOURCE_TYPE,
      serviceTimeout: props.serviceTimeout,
      removalPolicy: props.removalPolicy ?? (props.adoptExisting ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY),
      properties: renderProperties({
        instanceArn: props.instanceArn,
        username: props.username,
        routingProfileArn:
          props.routingProfileArn === undefined ? undefined : arnOf('routingProfileArn', props.routingProfileArn),
        routingProfileName: props.routingProfileName,
        securityProfileArns: props.securityProfileArns?.map((v) => arnOf('securityProfileArns', v)),
        securityProfileNames: props.securityProfileNames,
        password: props.password,
        passwordSecretArn: props.passwordSecret?.secretArn,
        passwordSecretJsonKey: props.passwordSecretJsonKey,
        directoryUserId: props.directoryUserId,
        hierarchyGroupArn:
          props.hierarchyGroupArn === undefined ? undefined : arnOf('hierarchyGroupArn', props.hierarchyGroupArn),
        hierarchyGroupPath: props.hierarchyGroupPath,
        identityInfo: props.identityInfo,
        phoneConfig: props.phoneConfig,
        autoAcceptConfigs: props.autoAcceptConfigs,
        afterContactWorkConfigs: props.afterContactWorkConfigs,
        phoneNumberConfigs: props.phoneNumberConfigs,
        persistentConnectionConfigs: props.persistentConnectionConfigs,
        voiceEnhancementConfigs: props.voiceEnhancementConfigs,
        userProficiencies: props.userProficiencies,
        tags: props.tags,
        trafficDistributionGroupArns: props.trafficDistributionGroupArns?.map((v) =>
          arnOf('trafficDistributionGroupArns', v),
        ),
        adoptExisting: props.adoptExisting,
        reconcileToken: props.reconcileToken,
      }),
    });
    if (props.passwordSecret) {
      // Made in this user's stack, which this resource then depends on: a provider shared from another stack
      // would otherwise refer back to the secret.
      props.provider.grantPasswordSecret(props.passwordSecret, this);
    }
    // The provider's role and grants exist before the user's Create reaches the function.
    this.resource.node.addDependency(props.provider);

    this.userArn = this.resource.getAttString('UserArn');
    this.userId = this.resource.getAttString('UserId');
    this.instanceArn = this.resource.getAttString('InstanceArn');
    this.routingProfileArn = this.resource.getAttString('RoutingProfileArn');
    this.securityProfileArns = this.resource.getAttString('SecurityProfileArns');
    this.securityProfileArnList = Fn.split(',', this.securityProfileArns);
    this.hierarchyGroupArn = this.resource.getAttString('HierarchyGroupArn');
  }
}

/** What each ARN property takes besides a string: an `aws_connect` L1 resource, sent as its ARN attribute. */
const L1_ARNS = {
  routingProfileArn: {
    type: 'CfnRoutingProfile',
    arnOf: (x: unknown) => (connect.CfnRoutingProfile.isCfnRoutingProfile(x) ? x.attrRoutingProfileArn : undefined),
  },
  securityProfileArns: {
    type: 'CfnSecurityProfile',
    arnOf: (x: unknown) => (connect.CfnSecurityProfile.isCfnSecurityProfile(x) ? x.attrSecurityProfileArn : undefined),
  },
  hierarchyGroupArn: {
    type: 'CfnUserHierarchyGroup',
    arnOf: (x: unknown) =>
      connect.CfnUserHierarchyGroup.isCfnUserHierarchyGroup(x) ? x.attrUserHierarchyGroupArn : undefined,
  },
  trafficDistributionGroupArns: {
    type: 'CfnTrafficDistributionGroup',
    arnOf: (x: unknown) =>
      connect.CfnTrafficDistributionGroup.isCfnTrafficDistributionGroup(x)
        ? x.attrTrafficDistributionGroupArn
        : undefined,
  },
} as const;

/**
 * An ARN property's value as sent: a string as it is, its L1 resource as that resource's ARN attribute. (The
 * `isCfn…` checks, not `instanceof`: an app may load another copy of aws-cdk-lib than this library does.)
 * checkProps has refused anything else.
 */
function arnOf(property: keyof typeof L1_ARNS, value: unknown): string {
  return typeof value === 'string' ? value : L1_ARNS[property].arnOf(value)!;
}

const KNOWN_PROPS = new Set<string>([
  ...Object.keys(WIRE_NAMES).filter((key) => key !== 'passwordSecretArn'),
  'provider',
  'passwordSecret',
  'serviceTimeout',
  'removalPolicy',
]);

/** Only the rules visible at synth that the function would otherwise report after a deployment started. */
function checkProps(scope: Construct, props: ConnectUserProps): void {
  const problems: string[] = [];
  // Only an untyped caller (plain JavaScript) can pass a key the props type lacks.
  for (const key of Object.keys(props)) {
    if (!KNOWN_PROPS.has(key)) problems.push(`unknown property ${key}`);
  }
  if (!props.provider) problems.push('provider is required');
  for (const name of ['instanceArn', 'username'] as const) {
    if (props[name] === undefined || props[name] === '') problems.push(`${name} is required`);
  }
  // Each ARN property and the name that may stand for it: one of the two, never both (the hierarchy group may
  // have neither). The required ones may not be empty.
  const alternatives = [
    ['routingProfileArn', 'routingProfileName', true],
    ['securityProfileArns', 'securityProfileNames', true],
    ['hierarchyGroupArn', 'hierarchyGroupPath', false],
  ] as const;
  for (const [arn, name, required] of alternatives) {
    const value = props[arn] ?? props[name];
    if (props[arn] !== undefined && props[name] !== undefined) {
      problems.push(`${arn} and ${name} exclude each other: give one`);
    } else if (required && (value === undefined || value === '' || (Array.isArray(value) && value.length === 0))) {
      const what = arn === 'securityProfileArns' ? ' (1-10 security profiles)' : '';
      problems.push(`${arn} or ${name} is required${what}`);
    }
  }
  // Only an untyped caller can pass something else than a string or the property's L1 resource.
  for (const property of Object.keys(L1_ARNS) as (keyof typeof L1_ARNS)[]) {
    const value: unknown = props[property];
    if (value === undefined) continue;
    const values: [string, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [`${property}[${i}]`, v])
      : [[property, value]];
    for (const [where, v] of values) {
      if (typeof v !== 'string' && L1_ARNS[property].arnOf(v) === undefined) {
        problems.push(`${where} must be an ARN or a ${L1_ARNS[property].type}`);
      }
    }
  }
  if (props.password !== undefined && props.passwordSecret !== undefined) {
    problems.push('password and passwordSecret exclude each other: give one');
  }
  if (props.passwordSecretJsonKey !== undefined && props.passwordSecret === undefined) {
    problems.push('passwordSecretJsonKey applies only with passwordSecret');
  }
  if (problems.length > 0) {
    throw new Error(`ConnectUser ${scope.node.path}: ${problems.join('; ')}`);
  }
}
