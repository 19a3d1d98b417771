// ua-parser-js 1.x (MIT): the 2.x line is AGPL-3.0, which this Apache-2.0 project does not take on.
import UAParser from 'ua-parser-js';

/**
 * A user agent reduced to what security and troubleshooting need (P24): browser and OS family
 * with major version, and a device class. The raw string is never stored: it is a fingerprinting
 * aid and occasionally carries identifiers.
 */
export type DeviceClass = 'desktop' | 'mobile' | 'tablet' | 'bot' | 'other' | 'unknown';

export interface ParsedUserAgent {
  browser: string | null;
  os: string | null;
  deviceClass: DeviceClass;
}

const BOT = /bot|crawler|spider|curl|wget|python-requests|httpclient|headless/i;
const MAX_UA_LENGTH = 512;

const withMajor = (name: string | undefined, version: string | undefined): string | null => {
  if (!name) return null;
  const major = version?.split('.')[0];
  return (major ? `${name} ${major}` : name).slice(0, 64);
};

export function parseUserAgent(ua: string | null | undefined): ParsedUserAgent {
  if (!ua) return { browser: null, os: null, deviceClass: 'unknown' };
  const text = ua.slice(0, MAX_UA_LENGTH);
  const result = new UAParser(text).getResult();
  const browser = withMajor(result.browser.name, result.browser.version);
  const os = withMajor(result.os.name, result.os.version);
  let deviceClass: DeviceClass;
  if (BOT.test(text)) deviceClass = 'bot';
  else if (result.device.type === 'mobile') deviceClass = 'mobile';
  else if (result.device.type === 'tablet') deviceClass = 'tablet';
  else if (result.device.type) deviceClass = 'other';
  // Desktop browsers announce no device type; a browser on a desktop OS is a desktop.
  else if (browser && os) deviceClass = 'desktop';
  else deviceClass = 'other';
  return { browser, os, deviceClass };
}
