/** A validated `mounts` entry of the create body. */
export type MountSpec =
  | { type: "volume"; destination: string; size: number; auto_remove: boolean }
  | { type: "volume"; destination: string; source: string }
  | { type: "bind"; destination: string; source: string };

/** A mount as the record keeps it: a volume mount names the Berth volume it uses. */
export type Mount =
  | {
      type: "volume";
      destination: string;
      volume_uuid: string;
      size: number;
      created_with_container: boolean;
      auto_remove: boolean;
    }
  | { type: "bind"; destination: string; source: string };
