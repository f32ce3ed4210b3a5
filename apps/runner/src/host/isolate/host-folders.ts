/**
 * The host service `hostFolders`: the folders of the run in progress, which an isolated
 * plugin's declared paths (`$graphDir`, `$out`) stand for. It changes no result, so it has no
 * cache identity.
 */
export interface HostFolders {
  /** The folder the graph's relative paths start from. */
  readonly graphDir?: string;
  /** The run's output folder. */
  readonly out?: string;
}

declare module '@stylegraph/core' {
  interface RunServices {
    hostFolders: HostFolders;
  }
}
