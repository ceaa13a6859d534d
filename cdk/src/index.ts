// The library's public API: the provider function, the user resource and their property types.
export * from './provider';
export * from './user';
export * from './types';
