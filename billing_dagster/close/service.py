"""The batch close: facts → program → invoice for a batch of tenants of one month.

The Dagster assets, the demo and the benchmarks call `CloseService.close`; `rate` shares `rate_period`.
Reads and writes are set-based (one query or statement per stage and batch), and a tenant that cannot be
closed (unknown, bad program, module error, finalized invoice) fails alone: the others are written.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from billing_dagster.close.outcome import STAGES, BatchClose, Failure, InvoiceSummary, Stage, TenantClose
from billing_dagster.domain.accounts import TenantAccount
from billing_dagster.domain.canonical import canonical_json, sha256_hex
from billing_dagster.domain.context import module_context
from billing_dagster.domain.invoicing import InvoiceDraft, InvoiceError, build_invoice
from billing_dagster.domain.periods import Period
from billing_dagster.domain.programs import ProgramStep, program_for
from billing_dagster.domain.rounding import RoundingPolicy
from billing_dagster.runtime.planner import build_planned_fact_pack, planned_usage_metrics
from billing_dagster.runtime.pricer import Pricer
from billing_dagster.runtime.program import ProgramRun
from billing_dagster.store.close_store import CloseStore, DraftRow, RatedDocument, StoredDocument
from billing_dagster.usage.aggregate import MissingUsage

# (tenant ids, period) -> {tenant: {metric: {count, sum, min, max}}}
UsageReader = Callable[[list[str], Period], dict[str, dict]]


@dataclass(frozen=True, slots=True)
class Rating:
    run: ProgramRun
    invoice: InvoiceDraft | None
    invoice_error: str | None = None


def rate_period(pricer: Pricer, steps: list[ProgramStep], context: dict, facts: dict, period: Period,
                net_terms_days: int) -> Rating:
    """One tenant-period: run its program in the sandbox, then build the draft invoice from the Charge IR."""
    run = pricer.rate(steps, context, facts)
    if run.error is not None:
        return Rating(run, None)
    try:
        return Rating(run, build_invoice(run.charges, context["currency"]["code"], period, net_terms_days))
    except InvoiceError as error:
        return Rating(run, None, str(error))


class CloseService:
    def __init__(self, store: CloseStore, pricer: Pricer, usage: UsageReader):
        self.store = store
        self.pricer = pricer
        self.usage = usage

    def close(self, tenants: Sequence[str], month: date, stages: Sequence[Stage] = STAGES,
              run_id: str = "") -> BatchClose:
        """Run `stages` (in order) for every billing period of the tenants that closes in `month` (see
        domain/billing_cycle.py); a stage not run reads its output from the DB. Tenants sharing a period are
        closed together, set-based."""
        stages = tuple(stage for stage in STAGES if stage in stages)
        batch = BatchClose(month, stages)
        tenants = list(dict.fromkeys(tenants))
        cycles = self.store.billing_cycles(tenants)
        groups: dict[_PeriodGroup, list[str]] = {}
        for tenant in tenants:
            cycle = cycles.get(tenant)
            if cycle is None:
                batch.closes.append(TenantClose(tenant, failure=Failure(
                    stages[0], "unknown_tenant", f"tenant {tenant!r} is not in the billing database")))
                continue
            periods = cycle.closing_in(month)
            if not periods:
                batch.idle.append(tenant)
            for period in periods:
                group = _PeriodGroup(period, cycle.key(period), cycle.key(cycle.previous(period)),
                                     cycle.last_day(period))
                groups.setdefault(group, []).append(tenant)
        for group, members in sorted(groups.items(), key=lambda item: (item[0].period.start, item[0].key)):
            self._close_period(batch, group, members, run_id)
        return batch

    def _close_period(self, batch: BatchClose, group: "_PeriodGroup", tenants: list[str], run_id: str) -> None:
        stages, period = batch.stages, group.period
        closes = {tenant: TenantClose(tenant, group.key, group.last_day) for tenant in tenants}
        batch.closes.extend(closes.values())
        accounts = self.store.known_accounts(tenants, period)
        for tenant, close in closes.items():
            account = accounts.get(tenant)
            if account is None:
                close.failure = Failure(stages[0], "unknown_tenant", f"tenant {tenant!r} is not in the billing database")
            else:
                close.currency = account.currency
                close.plan = account.subscription.plan_id if account.subscription else None
        live = [tenant for tenant in tenants if tenant in accounts]
        packs = self._facts(batch, closes, accounts, live, group) if Stage.FACTS in stages else \
            self._stored_packs(closes, stages, live, group.key)
        charges = self._charges(closes, accounts, packs, group, run_id) if Stage.CHARGES in stages else \
            self._stored_charges(closes, [t for t in live if t in packs], group.key)
        if Stage.INVOICES in stages:
            self._invoices(batch, closes, accounts, charges, group)

    # fact packs ------------------------------------------------------------------------------------
    def _facts(self, batch: BatchClose, closes: dict[str, TenantClose], accounts: dict[str, TenantAccount],
               tenants: list[str], group: "_PeriodGroup") -> dict[str, StoredDocument]:
        period = group.period
        plans = {}
        for tenant in tenants:
            plan = self.pricer.plan(program_for(accounts[tenant]), closes[tenant].plan)
            if plan.problems:
                closes[tenant].failure = Failure(Stage.FACTS, "program", "the pricing program cannot run: "
                                                 + "; ".join(problem.message for problem in plan.problems))
            else:
                plans[tenant] = plan
        # Only programs that price usage read the lake (an annual fee needs no year of usage days).
        metered = [tenant for tenant, plan in plans.items() if planned_usage_metrics(plan) != []]
        try:
            usage = self.usage(metered, period) if metered else {}
        except MissingUsage as error:
            usage = {}
            for tenant in metered:
                closes[tenant].failure = Failure(Stage.FACTS, "missing_input", str(error))
                del plans[tenant]
        carried = self.store.carried_into(list(plans), group.previous_key)
        entries = self.store.time_entries(list(plans), period)
        adjustments = self.store.adjustments(list(plans), period)
        packs: dict[str, StoredDocument] = {}
        texts: dict[str, StoredDocument] = {}
        for tenant, plan in plans.items():
            account, close = accounts[tenant], closes[tenant]
            try:
                pack = build_planned_fact_pack(account, period, usage.get(tenant, {}), plan, carried.get(tenant),
                                               time_entries=entries.get(tenant, ()),
                                               adjustments=adjustments.get(tenant, ()))
            except ValueError as error:  # e.g. an adjustment in another currency than the tenant's
                close.failure = Failure(Stage.FACTS, "facts", str(error))
                continue
            document = canonical_json(pack)
            texts[tenant] = StoredDocument(document, sha256_hex(document))
            packs[tenant] = StoredDocument(pack, texts[tenant].sha256)
            close.facts_sha256, close.packs = packs[tenant].sha256, tuple(sorted(pack))
            close.usage = {metric: values.get("sum") for metric, values in pack.get("usage", {}).items()}
            if account.subscription is None and tenant not in batch.unsubscribed:
                batch.unsubscribed.append(tenant)
        self.store.save_fact_packs(group.key, texts)
        return packs

    def _stored_packs(self, closes: dict[str, TenantClose], stages: tuple[Stage, ...], tenants: list[str],
                      key: date) -> dict[str, StoredDocument]:
        packs = self.store.fact_packs(tenants, key)
        _fail_missing(closes, tenants, packs, Stage.CHARGES if Stage.CHARGES in stages else Stage.INVOICES,
                      "no fact pack; materialize fact_packs first")
        for tenant, pack in packs.items():
            closes[tenant].facts_sha256 = pack.sha256
        return packs

    # Charge IR -------------------------------------------------------------------------------------
    def _charges(self, closes: dict[str, TenantClose], accounts: dict[str, TenantAccount],
                 packs: dict[str, StoredDocument], group: "_PeriodGroup", run_id: str) -> dict[str, StoredDocument]:
        rated: list[RatedDocument] = []
        failed: dict[str, list] = {}
        for tenant, pack in packs.items():
            account, close = accounts[tenant], closes[tenant]
            policy = RoundingPolicy.from_dict(account.rounding_policy or {})
            context = module_context(tenant, account.currency, group.period, policy)
            run = self.pricer.rate(program_for(account), context, pack.document)
            close.fuel = sum(e.fuel for e in run.executions)
            close.modules = {e.module_id: e.module_sha256[:12] for e in run.executions}
            if run.error is not None:
                close.failure = Failure(Stage.CHARGES, "module_error", str(run.error))
                failed[tenant] = run.executions
                continue
            digest = sha256_hex(canonical_json(run.charges))
            close.charges, close.charges_sha256 = run.charges, digest
            rated.append(RatedDocument(tenant, run.charges, digest, pack.sha256, run.carry, run.executions))
        self.store.save_ratings(group.key, run_id, rated, failed)
        return {r.tenant_id: StoredDocument(r.charges, r.sha256) for r in rated}

    def _stored_charges(self, closes: dict[str, TenantClose], tenants: list[str],
                        key: date) -> dict[str, StoredDocument]:
        charges = self.store.charge_documents(tenants, key)
        _fail_missing(closes, tenants, charges, Stage.INVOICES, "no Charge IR (never rated, or rating failed)")
        for tenant, document in charges.items():
            closes[tenant].charges, closes[tenant].charges_sha256 = document.document, document.sha256
        return charges

    # invoices --------------------------------------------------------------------------------------
    def _invoices(self, batch: BatchClose, closes: dict[str, TenantClose], accounts: dict[str, TenantAccount],
                  charges: dict[str, StoredDocument], group: "_PeriodGroup") -> None:
        drafts: list[DraftRow] = []
        for tenant, document in charges.items():
            account, close = accounts[tenant], closes[tenant]
            try:
                draft = build_invoice(document.document, account.currency, group.period, account.net_terms_days)
            except InvoiceError as error:
                close.failure = Failure(Stage.INVOICES, "invoice", str(error))
                continue
            drafts.append(DraftRow(tenant, close.plan, draft, document.sha256))
        unrated = [tenant for tenant in closes if tenant in accounts and tenant not in charges]
        refused = self.store.save_draft_invoices(group.key, drafts, discard=unrated, period_end=group.last_day)
        for tenant in refused:
            closes[tenant].failure = Failure(Stage.INVOICES, "finalized", "the invoice is finalized; "
                                             "corrections go through credit notes, never edits")
        stored = self.store.invoice_checks([d.tenant_id for d in drafts], group.key)
        for row in drafts:
            check = stored.get(row.tenant_id)
            if row.tenant_id in refused or check is None:
                continue
            if not check.totals_agree(sum(line["amount"] for line in row.draft.lines)):
                batch.mismatched_totals.append(row.tenant_id)
            if check.untraced_lines:
                batch.untraced_lines.append(row.tenant_id)
            draft = row.draft
            closes[row.tenant_id].invoice = InvoiceSummary(
                draft.currency, draft.subtotal, draft.discount, draft.tax, draft.total, draft.due_date, draft.lines,
                row.charges_sha256)


@dataclass(frozen=True, slots=True)
class _PeriodGroup:
    """Tenants closed together: the same period, keyed alike, carrying from the same previous period."""

    period: Period
    key: date
    previous_key: date
    last_day: date


def _fail_missing(closes: dict[str, TenantClose], tenants: list[str], found: dict, stage: Stage, detail: str) -> None:
    for tenant in tenants:
        if tenant not in found and closes[tenant].failure is None:
            closes[tenant].failure = Failure(stage, "missing_input", detail)
