import type { Platform } from '../app';
import type { Config } from '../platform/config';
import { serviceKeysOf } from '../platform/service-key';
import type { DB } from '../store/db';
import { DeviceStore, type DeviceRecord } from '../store/devices';
import { ConflictError } from '../store/errors';
import { documentClientOf } from '../store/open';
import { ttlOf } from '../store/table';
import type { User } from '../store/user';
import { DeviceCookies, type Device } from './device-cookies';
import { AccountLocked, WrongPassword } from './errors';
import { recordAuthEvent } from './events';
import { verifyPassword } from './passwords';

export type PasswordCheckSettings = Pick<
  Config,
  'loginMaxFailures' | 'loginLockSeconds' | 'loginLockMaxSeconds'
>;

/** How a password check tells a trusted device: its cookies, and its failures and locks. */
export interface DeviceTrust {
  cookies: DeviceCookies;
  store: DeviceStore;
}

/** The device trust of one function: its cookies signed with the service key, its store. */
export function deviceTrustOf(platform: Platform): DeviceTrust {
  const { config, now } = platform;
  const keys = serviceKeysOf(platform);
  return {
    cookies: new DeviceCookies(() => keys.key('device-cookie'), config, now),
    store: new DeviceStore(config.usersTable, documentClientOf(platform)),
  };
}

/** A right password: the user (with its failures counted), and the trusted device it came from. */
export interface Checked {
  user: User;
  device: Device | null;
}

/**
 * A write made only while the hash that was checked is still stored: null when a password change
 * committed in between (the store's ConflictError), so a check racing a reset leaves no session,
 * failure count or lock that outlives the reset.
 */
export async function unlessReset<T>(write: Promise<T>): Promise<T | null> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof ConflictError) return null;
    throw error;
  }
}

/**
 * Checking a known user's password, wherever one is asked for (a login, or a logged-in user
 * confirming a change): each attempt counts toward a lock, and a locked client is refused before
 * any compare, so no route can be used to guess. A client presenting a valid device cookie for
 * the account counts against its own device's lock; every other client against the account's,
 * which trusted devices ignore. Without `devices` (the library facade), every client is untrusted.
 */
export class PasswordCheck {
  constructor(
    private readonly db: DB,
    private readonly settings: PasswordCheckSettings,
    private readonly now: () => number = Date.now,
    private readonly devices: DeviceTrust | null = null,
  ) {}

  /**
   * The user and the trusted device, when the password is right, with the user's failure count
   * (this attempt included, from an untrusted client: a success's write clears it); null
   * otherwise. AccountLocked while the client's lock (its device's, or the account's) lasts.
   */
  async check(user: User, password: string, deviceCookie?: string): Promise<Checked | null> {
    const { devices } = this;
    const device = devices === null ? null : await devices.cookies.trusted(deviceCookie, user);
    if (devices !== null && device !== null) {
      return this.checkOnDevice(user, password, device, devices.store);
    }
    this.refuseIfLocked(user);
    // The attempt is counted while the hash is compared, not after a failed compare: a wrong
    // password for a known email then costs one compare, like an unknown email, instead of one
    // compare plus a write. A success resets the count (the user returned says it has failures).
    const [matched, failures] = await Promise.all([
      verifyPassword(password, user.hashed_password),
      unlessReset(this.db.countFailedLogin(user.id, user.hashed_password)),
    ]);
    if (failures === null) {
      // The password was reset while it was checked: whatever the compare says, it is stale.
      recordAuthEvent('login_failed');
      return null;
    }
    if (matched) return { user: { ...user, failed_logins: failures }, device: null };
    recordAuthEvent('login_failed');
    await this.lockIfTooMany(user, failures);
    return null;
  }

  /** The user, when the password is right; WrongPassword otherwise (AccountLocked when locked). */
  async require(user: User, password: string, deviceCookie?: string): Promise<User> {
    const checked = await this.check(user, password, deviceCookie);
    if (checked === null) throw new WrongPassword();
    return checked.user;
  }

  /** The trusted device of the account that `deviceCookie` proves, or null (or without devices). */
  async trustedDevice(user: User, deviceCookie?: string): Promise<Device | null> {
    return this.devices === null ? null : this.devices.cookies.trusted(deviceCookie, user);
  }

  /**
   * Refuses (AccountLocked) while the client's lock lasts: its trusted device's own, or the
   * account's for every other client. A second factor's code is checked under the same lock.
   */
  async refuseIfLockedFor(user: User, device: Device | null): Promise<void> {
    if (device === null || this.devices === null) {
      this.refuseIfLocked(user);
      return;
    }
    this.refuseIfDeviceLocked(await this.devices.store.record(device.id));
  }

  /**
   * Counts a wrong proof other than the password (a second factor's code) against the same lock
   * a wrong password counts against: the trusted device's, or the account's. The caller records
   * what failed.
   */
  async countFailure(user: User, device: Device | null): Promise<void> {
    if (device === null || this.devices === null) {
      const failures = await unlessReset(this.db.countFailedLogin(user.id, user.hashed_password));
      if (failures !== null) await this.lockIfTooMany(user, failures);
      return;
    }
    await this.countDeviceFailure(device, this.devices.store);
  }

  /**
   * The check for a trusted device: refused while that device is locked (before any compare);
   * a failure counts on its own item and locks it alone, a success ends its run of failures.
   * The account's lock and failure count are neither read nor written: a read of the device's
   * item replaces them.
   */
  private async checkOnDevice(
    user: User,
    password: string,
    device: Device,
    store: DeviceStore,
  ): Promise<Checked | null> {
    const record = await store.record(device.id);
    this.refuseIfDeviceLocked(record);
    if (await verifyPassword(password, user.hashed_password)) {
      // Only consecutive failures lock: a right password ends a run of them.
      if (record.failures > 0) await store.clear(device.id);
      return { user, device };
    }
    recordAuthEvent('login_failed');
    await this.countDeviceFailure(device, store);
    return null;
  }

  private refuseIfDeviceLocked(record: DeviceRecord): void {
    const now = this.now();
    if (record.lockedUntil !== null && record.lockedUntil > now) {
      recordAuthEvent('login_refused_device_locked');
      throw new AccountLocked(Math.ceil((record.lockedUntil - now) / 1000));
    }
  }

  private async countDeviceFailure(device: Device, store: DeviceStore): Promise<void> {
    const failures = await store.countFailure(device.id, ttlOf(device.expiresAt));
    if (failures >= this.settings.loginMaxFailures) {
      await store.lock(device.id, this.now() + this.lockSeconds(failures) * 1000);
      recordAuthEvent('device_locked');
    }
  }

  private refuseIfLocked(user: User): void {
    if (user.locked_until === null || user.locked_until <= this.now()) return;
    recordAuthEvent('login_refused_locked');
    throw new AccountLocked(Math.ceil((user.locked_until - this.now()) / 1000));
  }

  /** The lock doubles with each failure past the limit (1, 2, 4 … minutes), up to the maximum. */
  private lockSeconds(failures: number): number {
    const { loginMaxFailures, loginLockSeconds, loginLockMaxSeconds } = this.settings;
    return Math.min(loginLockSeconds * 2 ** (failures - loginMaxFailures), loginLockMaxSeconds);
  }

  private async lockIfTooMany(user: User, failures: number): Promise<void> {
    if (failures < this.settings.loginMaxFailures) return;
    const locked = this.db.updateUser(
      user.id,
      { locked_until: this.now() + this.lockSeconds(failures) * 1000 },
      { hashed_password: user.hashed_password },
    );
    if ((await unlessReset(locked)) !== null) recordAuthEvent('account_locked');
  }
}
