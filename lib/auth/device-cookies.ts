/**
 * Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a successful
 * login sets a cookie that names the account and is signed by the service, so that the device
 * that logged in before is told apart from every other client. Failed logins from a device
 * presenting a valid cookie for the account count against that device alone (lib/store/devices.ts);
 * every other client shares the account's lock. Whoever locks an account by guessing therefore
 * locks out clients without its cookie, never its owner's browser or client.
 *
 * The value is `<user id>.<generation>.<expiry>.<id>.<signature>`: the account, the generation of
 * its device cookies it was issued in (a password reset or change moves it on, revoking them all),
 * its expiry (epoch seconds, checked here, not only by the browser), a random id under which its
 * failures are counted, and an HMAC-SHA256 of the rest with a key derived from the service key
 * (lib/platform/service-key.ts). Nothing of it is stored but the id's failure count.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../platform/config';
import type { User } from '../store/user';

/** A device that logged in to the account before, as its cookie says. */
export interface Device {
  /** The cookie's random id: its failures and lock are kept under it. */
  id: string;
  userId: string;
  generation: number;
  /** Epoch milliseconds after which the cookie is refused. */
  expiresAt: number;
}

export type DeviceCookieSettings = Pick<Config, 'deviceCookieTtlSeconds'>;

const VALUE = /^([\w-]{1,64})\.(\d{1,9})\.(\d{1,12})\.([\w-]{22})\.([\w-]{43})$/u;
// Bound to this use and format: a MAC made for anything else never verifies as one of these.
const CONTEXT = 'device-cookie.v1|';

export class DeviceCookies {
  constructor(
    private readonly key: () => Promise<Buffer>,
    private readonly settings: DeviceCookieSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new cookie value for a device that has just logged in to `user`. */
  async issue(user: Pick<User, 'id' | 'device_generation'>): Promise<string> {
    const expires = Math.floor(this.now() / 1000) + this.settings.deviceCookieTtlSeconds;
    const id = randomBytes(16).toString('base64url');
    const signed = `${user.id}.${user.device_generation}.${expires}.${id}`;
    return `${signed}.${await this.mac(signed)}`;
  }

  /**
   * The device the value names, when it is a cookie this service signed, not expired, for this
   * user and its current generation of device cookies; null for anything else (absent, forged,
   * altered, expired, revoked, or another account's), which then earns nothing.
   */
  async trusted(
    value: string | undefined,
    user: Pick<User, 'id' | 'device_generation'>,
  ): Promise<Device | null> {
    const parts = VALUE.exec(value ?? '');
    if (parts === null) return null;
    const [, userId = '', generation = '', expires = '', id = '', mac = ''] = parts;
    const expected = Buffer.from(await this.mac(`${userId}.${generation}.${expires}.${id}`));
    if (!timingSafeEqual(Buffer.from(mac), expected)) return null;
    const device = {
      id,
      userId,
      generation: Number(generation),
      expiresAt: Number(expires) * 1000,
    };
    const current =
      device.userId === user.id &&
      device.generation === user.device_generation &&
      device.expiresAt > this.now();
    return current ? device : null;
  }

  private async mac(signed: string): Promise<string> {
    return createHmac('sha256', await this.key())
      .update(CONTEXT + signed)
      .digest('base64url');
  }
}
