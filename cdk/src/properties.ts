// The one table from the construct's camelCase property names to the function's PascalCase ones, and the
// rendering that applies it. Kept apart from the construct so that the contract test (test/contract) can check
// that every entry reaches the function and Amazon Connect.
//
// `Table<T>` makes the compiler insist on an entry for every field of T, nested structs included, so a field
// added to a props type without a wire name does not compile.
import type {
  AfterContactWorkConfig,
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

/** The properties as the function receives them, before renaming: ConnectUserProps less what is not sent. */
export interface UserProperties {
  readonly instanceArn: string;
  readonly username: string;
  readonly routingProfileArn?: string;
  readonly routingProfileName?: string;
  readonly securityProfileArns?: string[];
  readonly securityProfileNames?: string[];
  readonly password?: string;
  readonly passwordSecretArn?: string;
  readonly passwordSecretJsonKey?: string;
  readonly directoryUserId?: string;
  readonly hierarchyGroupArn?: string;
  readonly hierarchyGroupPath?: string;
  readonly identityInfo?: IdentityInfo;
  readonly phoneConfig?: PhoneConfig;
  readonly autoAcceptConfigs?: AutoAcceptConfig[];
  readonly afterContactWorkConfigs?: AfterContactWorkConfigPerChannel[];
  readonly phoneNumberConfigs?: PhoneNumberConfig[];
  readonly persistentConnectionConfigs?: PersistentConnectionConfig[];
  readonly voiceEnhancementConfigs?: VoiceEnhancementConfig[];
  readonly userProficiencies?: UserProficiency[];
  readonly tags?: UserTag[];
  readonly trafficDistributionGroupArns?: string[];
  readonly adoptExisting?: boolean;
  readonly reconcileToken?: string;
}

type Scalar = string | number | boolean;
/** A scalar's wire name, or a struct's (or a list of structs') wire name and the table of its fields. */
type Entry<V> = V extends readonly (infer E)[] ? EntryOf<E> : EntryOf<V>;
type EntryOf<V> = V extends Scalar ? string : readonly [string, Table<V>];
export type Table<T> = { readonly [K in keyof T]-?: Entry<NonNullable<T[K]>> };

const afterContactWorkConfig: Table<AfterContactWorkConfig> = {
  afterContactWorkTimeLimit: 'AfterContactWorkTimeLimit',
};

/** camelCase → PascalCase, for every property of Custom::ConnectUser and every field of its structs. */
export const WIRE_NAMES: Table<UserProperties> = {
  instanceArn: 'InstanceArn',
  username: 'Username',
  routingProfileArn: 'RoutingProfileArn',
  routingProfileName: 'RoutingProfileName',
  securityProfileArns: 'SecurityProfileArns',
  securityProfileNames: 'SecurityProfileNames',
  password: 'Password',
  passwordSecretArn: 'PasswordSecretArn',
  passwordSecretJsonKey: 'PasswordSecretJsonKey',
  directoryUserId: 'DirectoryUserId',
  hierarchyGroupArn: 'HierarchyGroupArn',
  hierarchyGroupPath: 'HierarchyGroupPath',
  identityInfo: [
    'IdentityInfo',
    {
      firstName: 'FirstName',
      lastName: 'LastName',
      email: 'Email',
      secondaryEmail: 'SecondaryEmail',
      mobile: 'Mobile',
    },
  ],
  phoneConfig: [
    'PhoneConfig',
    {
      phoneType: 'PhoneType',
      autoAccept: 'AutoAccept',
      afterContactWorkTimeLimit: 'AfterContactWorkTimeLimit',
      deskPhoneNumber: 'DeskPhoneNumber',
      persistentConnection: 'PersistentConnection',
    },
  ],
  autoAcceptConfigs: [
    'AutoAcceptConfigs',
    { channel: 'Channel', autoAccept: 'AutoAccept', agentFirstCallbackAutoAccept: 'AgentFirstCallbackAutoAccept' },
  ],
  afterContactWorkConfigs: [
    'AfterContactWorkConfigs',
    {
      channel: 'Channel',
      afterContactWorkConfig: ['AfterContactWorkConfig', afterContactWorkConfig],
      agentFirstCallbackAfterContactWorkConfig: ['AgentFirstCallbackAfterContactWorkConfig', afterContactWorkConfig],
    },
  ],
  phoneNumberConfigs: ['PhoneNumberConfigs', { channel: 'Channel', phoneType: 'PhoneType', phoneNumber: 'PhoneNumber' }],
  persistentConnectionConfigs: [
    'PersistentConnectionConfigs',
    { channel: 'Channel', persistentConnection: 'PersistentConnection' },
  ],
  voiceEnhancementConfigs: [
    'VoiceEnhancementConfigs',
    { channel: 'Channel', voiceEnhancementMode: 'VoiceEnhancementMode' },
  ],
  userProficiencies: [
    'UserProficiencies',
    { attributeName: 'AttributeName', attributeValue: 'AttributeValue', level: 'Level' },
  ],
  tags: ['Tags', { key: 'Key', value: 'Value' }],
  trafficDistributionGroupArns: 'TrafficDistributionGroupArns',
  adoptExisting: 'AdoptExisting',
  reconcileToken: 'ReconcileToken',
};

type AnyTable = { readonly [key: string]: string | readonly [string, AnyTable] };

/**
 * The properties under their wire names. Unset fields are left out. A key the table lacks can only come from
 * an untyped caller (plain JavaScript); it is an error naming its path rather than a property the function
 * would reject at deploy time.
 */
export function renderProperties(properties: UserProperties): Record<string, unknown> {
  return renderObject(properties as unknown as Record<string, unknown>, WIRE_NAMES as unknown as AnyTable, '');
}

function renderObject(value: Record<string, unknown>, table: AnyTable, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined) continue;
    const entry = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
    if (entry === undefined) {
      throw new Error(`ConnectUser: unknown property ${path}${key}`);
    }
    if (typeof entry === 'string') {
      out[entry] = field;
      continue;
    }
    const [name, nested] = entry;
    out[name] = Array.isArray(field)
      ? field.map((item, i) => renderStruct(item, nested, `${path}${key}[${i}].`))
      : renderStruct(field, nested, `${path}${key}.`);
  }
  return out;
}

function renderStruct(value: unknown, table: AnyTable, path: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`ConnectUser: ${path.slice(0, -1)} must be an object`);
  }
  return renderObject(value as Record<string, unknown>, table, path);
}

/** Every wire path of the table (`IdentityInfo.FirstName`, `Tags.Key`, …): what the contract test must cover. */
export function wirePaths(table: AnyTable = WIRE_NAMES as unknown as AnyTable, prefix = ''): string[] {
  return Object.values(table).flatMap((entry) =>
    typeof entry === 'string' ? [`${prefix}${entry}`] : [`${prefix}${entry[0]}`, ...wirePaths(entry[1], `${prefix}${entry[0]}.`)],
  );
}
