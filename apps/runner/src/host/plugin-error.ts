/** A plugin the host was told to load cannot be: one line for the person running it, exit 2. */
export class PluginLoadError extends Error {}
