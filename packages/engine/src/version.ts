/** The engine's version; a test keeps it equal to package.json's. Receipts carry it. */
export const ENGINE_VERSION = '0.2.0';
