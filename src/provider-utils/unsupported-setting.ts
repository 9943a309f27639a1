import type { ChatCall } from '../spec/chat-call.js';
import type { CallWarning } from '../spec/chat-result.js';
import { InvalidRequestError } from '../spec/errors.js';

/**
 * Records that an adapter cannot honour a setting. By default the call goes ahead with a warning;
 * when the caller asked for strictness (`call.unsupportedSettings === 'error'`) it is refused with a
 * 400 naming the setting, before anything is sent upstream.
 */
export function reportUnsupportedSetting(
  call: Pick<ChatCall, 'unsupportedSettings'>,
  warnings: CallWarning[],
  where: { provider: string; modelId: string },
  setting: string,
  details?: string,
): void {
  if (call.unsupportedSettings === 'error') {
    throw new InvalidRequestError(
      `Parameter '${setting}' is not supported by ${where.provider}/${where.modelId}${details ? ` (${details})` : ''}. ` +
        `Remove it, or send header 'x-switchyard-unsupported-params: drop' to let the gateway drop it.`,
      { param: setting, code: 'unsupported_parameter' },
    );
  }
  warnings.push(details === undefined ? { type: 'unsupported-setting', setting } : { type: 'unsupported-setting', setting, details });
}
