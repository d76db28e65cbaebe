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
from billing_dagster.domain.periods import Period, month_period
from billing_dagster.domain.programs import ProgramStep, program_for
from billing_dagster.domain.rounding import RoundingPolicy
from billing_dagster.runtime.planner import build_planned_fact_pack
from billing_dagster.runtime.pricer import Pricer
from billing_dagster.runtime.program import ProgramRun
from billing_dagster.store.close_store import CloseStore, DraftRow, RatedDocument, StoredDocument

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
        """Run `stages` (in order) for the tenants of `month`; a stage not run reads its output from the DB."""
        stages = tuple(stage for stage in STAGES if stage in stages)
        period = month_period(month)
        batch = BatchClose(month, stages, {tenant: TenantClose(tenant) for tenant in dict.fromkeys(tenants)})
        accounts = self.store.known_accounts(list(batch.tenants), period)
        for tenant, close in batch.tenants.items():
            account = accounts.get(tenant)
            if account is None:
                close.failure = Failure(stages[0], "unknown_tenant",
                                        f"tenant {tenant!r} is not in the billing database")
            else:
                close.currency = account.currency
                close.plan = account.subscription.plan_id if account.subscription else None
        live = [tenant for tenant in batch.tenants if tenant in accounts]
        packs = self._facts(batch, accounts, live, period) if Stage.FACTS in stages else self._stored_packs(
            batch, live, month)
        charges = self._charges(batch, accounts, packs, period, run_id) if Stage.CHARGES in stages else \
            self._stored_charges(batch, [t for t in live if t in packs], month)
        if Stage.INVOICES in stages:
            self._invoices(batch, accounts, charges, period)
        return batch

    # fact packs ------------------------------------------------------------------------------------
    def _facts(self, batch: BatchClose, accounts: dict[str, TenantAccount], tenants: list[str],
               period: Period) -> dict[str, StoredDocument]:
        usage = self.usage(tenants, period) if tenants else {}
        carried = self.store.carried_into(tenants, period.start.date())
        packs: dict[str, StoredDocument] = {}
        texts: dict[str, StoredDocument] = {}
        for tenant in tenants:
            account, close = accounts[tenant], batch.tenants[tenant]
            plan = self.pricer.plan(program_for(account), close.plan)
            if plan.problems:
                close.failure = Failure(Stage.FACTS, "program", "the pricing program cannot run: "
                                        + "; ".join(problem.message for problem in plan.problems))
                continue
            pack = build_planned_fact_pack(account, period, usage.get(tenant, {}), plan, carried.get(tenant))
            document = canonical_json(pack)
            texts[tenant] = StoredDocument(document, sha256_hex(document))
            packs[tenant] = StoredDocument(pack, texts[tenant].sha256)
            close.facts_sha256, close.packs = packs[tenant].sha256, tuple(sorted(pack))
            close.usage = {metric: values.get("sum") for metric, values in pack.get("usage", {}).items()}
            if account.subscription is None:
                batch.unsubscribed.append(tenant)
        self.store.save_fact_packs(period.start.date(), texts)
        return packs

    def _stored_packs(self, batch: BatchClose, tenants: list[str], month: date) -> dict[str, StoredDocument]:
        packs = self.store.fact_packs(tenants, month)
        self._fail_missing(batch, tenants, packs, Stage.CHARGES if Stage.CHARGES in batch.stages else
                           Stage.INVOICES, "no fact pack; materialize fact_packs first")
        for tenant, pack in packs.items():
            batch.tenants[tenant].facts_sha256 = pack.sha256
        return packs

    # Charge IR -------------------------------------------------------------------------------------
    def _charges(self, batch: BatchClose, accounts: dict[str, TenantAccount], packs: dict[str, StoredDocument],
                 period: Period, run_id: str) -> dict[str, StoredDocument]:
        rated: list[RatedDocument] = []
        failed: dict[str, list] = {}
        for tenant, pack in packs.items():
            account, close = accounts[tenant], batch.tenants[tenant]
            policy = RoundingPolicy.from_dict(account.rounding_policy or {})
            context = module_context(tenant, account.currency, period, policy)
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
        self.store.save_ratings(period.start.date(), run_id, rated, failed)
        return {r.tenant_id: StoredDocument(r.charges, r.sha256) for r in rated}

    def _stored_charges(self, batch: BatchClose, tenants: list[str], month: date) -> dict[str, StoredDocument]:
        charges = self.store.charge_documents(tenants, month)
        self._fail_missing(batch, tenants, charges, Stage.INVOICES, "no Charge IR (never rated, or rating failed)")
        for tenant, document in charges.items():
            batch.tenants[tenant].charges, batch.tenants[tenant].charges_sha256 = document.document, document.sha256
        return charges

    # invoices --------------------------------------------------------------------------------------
    def _invoices(self, batch: BatchClose, accounts: dict[str, TenantAccount], charges: dict[str, StoredDocument],
                  period: Period) -> None:
        drafts: list[DraftRow] = []
        for tenant, document in charges.items():
            account, close = accounts[tenant], batch.tenants[tenant]
            try:
                draft = build_invoice(document.document, account.currency, period, account.net_terms_days)
            except InvoiceError as error:
                close.failure = Failure(Stage.INVOICES, "invoice", str(error))
                continue
            drafts.append(DraftRow(tenant, close.plan, draft, document.sha256))
        known = [tenant for tenant in batch.tenants if tenant in accounts]
        unrated = [tenant for tenant in known if tenant not in charges]
        month = period.start.date()
        refused = self.store.save_draft_invoices(month, drafts, discard=unrated)
        for tenant in refused:
            batch.tenants[tenant].failure = Failure(Stage.INVOICES, "finalized", "the invoice is finalized; "
                                                    "corrections go through credit notes, never edits")
        stored = self.store.invoice_checks([d.tenant_id for d in drafts], month)
        for row in drafts:
            check = stored.get(row.tenant_id)
            if row.tenant_id in refused or check is None:
                continue
            if not check.totals_agree(sum(line["amount"] for line in row.draft.lines)):
                batch.mismatched_totals.append(row.tenant_id)
            if check.untraced_lines:
                batch.untraced_lines.append(row.tenant_id)
            draft = row.draft
            batch.tenants[row.tenant_id].invoice = InvoiceSummary(
                draft.currency, draft.subtotal, draft.discount, draft.tax, draft.total, draft.due_date, draft.lines,
                row.charges_sha256)

    @staticmethod
    def _fail_missing(batch: BatchClose, tenants: list[str], found: dict, stage: Stage, detail: str) -> None:
        for tenant in tenants:
            if tenant not in found and batch.tenants[tenant].failure is None:
                batch.tenants[tenant].failure = Failure(stage, "missing_input", detail)
