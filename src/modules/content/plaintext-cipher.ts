import type { ContentCipher } from './content-cipher.js';

/**
 * Stores content as UTF-8 bytes. Used only until the keystore cipher is wired in; it keeps the
 * storage format (bytes + key version) that encryption will fill.
 */
export const plaintextCipher: ContentCipher = {
  async seal(_exec, _where, plaintext) {
    return { ciphertext: Buffer.from(plaintext, 'utf8'), keyVersion: 0 };
  },
  async open(_exec, _where, sealed) {
    return sealed.ciphertext.toString('utf8');
  },
  async destroyScopeKey() {},
  async destroyAccountKey() {},
};
