export * from './config-schema.js';
export { loadConfigFile, loadConfigText } from './load-config.js';
export { formatPath } from './format-config-path.js';
export * from './resolve-config.js';
