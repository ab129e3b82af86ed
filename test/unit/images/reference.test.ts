import { describe, expect, it } from "vitest";
import { InvalidFieldError } from "../../../shared/errors.ts";
import { isServedBy, repositoryAndTag } from "../../../shared/images/reference.ts";

describe("repositoryAndTag", () => {
  it.each([
    ["busybox", undefined, { repo: "busybox", tag: "latest" }],
    ["busybox", "1.36", { repo: "busybox", tag: "1.36" }],
    ["busybox:1.36", undefined, { repo: "busybox", tag: "1.36" }],
    ["busybox:1.36", "1.36", { repo: "busybox", tag: "1.36" }],
    ["127.0.0.1:5000/team/app", null, { repo: "127.0.0.1:5000/team/app", tag: "latest" }],
    ["127.0.0.1:5000/team/app:2", undefined, { repo: "127.0.0.1:5000/team/app", tag: "2" }],
  ])("%s with tag %s", (repo, tag, expected) => {
    expect(repositoryAndTag(repo, tag)).toEqual(expected);
  });

  it.each([
    ["busybox:1.36", "2", "repo"],
    ["busybox:-x", undefined, "repo"],
    ["busybox", 7, "tag"],
  ])("%s with tag %s is a 400 naming %s", (repo, tag, field) => {
    try {
      repositoryAndTag(repo, tag);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidFieldError);
      expect((error as InvalidFieldError).field).toBe(field);
      return;
    }
    throw new Error("expected a 400");
  });
});

describe("isServedBy", () => {
  it.each([
    ["127.0.0.1:5000/team/app:1", "127.0.0.1:5000", true],
    ["127.0.0.1:5000/team/app:1", "127.0.0.1:5001", false],
    ["Registry.Example.com/app", "registry.example.com", true],
    ["busybox:1.36", "docker.io", true],
    ["library/busybox", "index.docker.io", true],
    ["busybox", "registry.example.com", false],
    ["registry.example.com/app", "docker.io", false],
  ])("%s from %s: %s", (image, domain, expected) => {
    expect(isServedBy(image, domain)).toBe(expected);
  });
});
