import type { TransactItem } from "../store/named-transaction.ts";
import type { QuotaStore } from "../store/quotas.ts";
import { effectiveLimits } from "../store/quotas.ts";
import { assertWithinQuota, type QuotaUsage } from "./limits.ts";

/**
 * Guards one claim of `extra` usage against a project's quota: refuses it with
 * a 403 up front, and supplies the conditional transaction items that make the
 * claim fail if the quota or the usage moved meanwhile (then `refresh` reads
 * again and either refuses or supplies new items).
 */
export class QuotaGuard {
  private constructor(
    private readonly quotas: QuotaStore,
    private readonly projectId: string,
    private readonly extra: QuotaUsage,
    public items: TransactItem[],
  ) {}

  static async check(quotas: QuotaStore, projectId: string, extra: QuotaUsage): Promise<QuotaGuard> {
    const guard = new QuotaGuard(quotas, projectId, extra, []);
    await guard.read(false);
    return guard;
  }

  async refresh(): Promise<void> {
    await this.read(true);
  }

  private async read(fresh: boolean): Promise<void> {
    const [quota, quotaClass] = await Promise.all([
      this.quotas.getProject(this.projectId),
      this.quotas.getClass(fresh),
    ]);
    assertWithinQuota(effectiveLimits(quota, quotaClass), quota.usage, this.extra);
    this.items = this.quotas.claimItems(quota, quotaClass, this.extra);
  }
}
