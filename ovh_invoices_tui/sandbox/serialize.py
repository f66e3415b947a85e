"""JSON views of the records, exactly shaped as the API's models (``billing.Bill``, ``debt.Debt`` …)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from .catalogue import Line, bill_lines
from .generator import Dataset
from .records import DebtRec, DepositRec, OperationRec, OrderRec, RefundRec

Json = dict[str, Any]
DOC_KINDS = {"bill": "facture", "deposit": "paiement", "refund": "avoir", "order": "commande"}
PAYMENT_LABELS = {
    "creditCard": "Visa **** 4242", "debtAccount": "SEPA FR76 **** 0189", "withdrawal": "Prélèvement FR76 **** 0189",
    "paypal": "PayPal compta@example.fr", "transfer": "Virement bancaire", "ovhAccount": "Compte prépayé OVHcloud",
    "refund": "Avoir",
}


class Views:
    """Builds (and caches) the API's JSON objects of one dataset."""

    def __init__(self, data: Dataset) -> None:
        self.data = data
        self.sub = data.sub
        self.tz = data.sub.tz()
        self.origin = data.config.origin
        self.currency = data.sub.currency
        self._bills: list[Json | None] = [None] * len(data.bills)
        self._raw: list[str | None] = [None] * len(data.bills)
        self.lines = lru_cache(maxsize=4096)(self._lines)

    # --- primitives --------------------------------------------------------------------------
    def price(self, cents: int) -> Json:
        """An ``order.Price`` (exact ``priceInUcents``)."""
        return {"currencyCode": self.currency, "priceInUcents": cents * 1_000_000,
                "text": self.sub.text(cents), "value": cents / 100}

    def long_price(self, value: float) -> Json:
        """An ``order.LongPrice`` (no ``priceInUcents``)."""
        text = f"{value:.2f}" if round(value, 2) == value else f"{value:.6f}".rstrip("0")
        symbol = self.sub.symbol
        return {"currencyCode": self.currency, "text": f"{symbol}{text}" if self.sub.company_prefix_symbol
                else f"{text} {symbol}", "value": value}

    def iso(self, ts: int) -> str:
        return datetime.fromtimestamp(ts, self.tz).isoformat()

    def day(self, ts: int) -> date:
        return datetime.fromtimestamp(ts, self.tz).date()

    def doc(self, kind: str, reference: str) -> Json:
        """``url``, ``pdfUrl`` and ``password`` of a document (``kind`` in bill/deposit/refund/order)."""
        password = self.data.password(reference)
        base = f"{self.origin}/cgi-bin/order/{DOC_KINDS[kind]}"
        query = f"?reference={reference}&passwd={password}"
        return {"password": password, "pdfUrl": f"{base}.pdf{query}", "url": f"{base}.cgi{query}"}

    # --- bills ---------------------------------------------------------------------------------
    def bill(self, index: int) -> Json:
        cached = self._bills[index]
        if cached is not None:
            return cached
        b = self.data.bills[index]
        obj = {"billId": b.bill_id, "category": b.category, "date": self.iso(b.ts), "orderId": b.order_id,
               **self.doc("bill", b.bill_id), "priceWithTax": self.price(b.ttc),
               "priceWithoutTax": self.price(b.ht), "tax": self.price(b.tax)}
        self._bills[index] = obj
        return obj

    def bill_raw(self, index: int) -> str:
        """The bill's JSON text, built from a template (iceberg pages join these: no json.dumps)."""
        cached = self._raw[index]
        if cached is not None:
            return cached
        b = self.data.bills[index]
        doc = self.doc("bill", b.bill_id)
        raw = (f'{{"billId":"{b.bill_id}","category":"{b.category}","date":"{self.iso(b.ts)}",'
               f'"orderId":{b.order_id},"password":"{doc["password"]}","pdfUrl":"{doc["pdfUrl"]}",'
               f'"url":"{doc["url"]}","priceWithTax":{self._price_raw(b.ttc)},'
               f'"priceWithoutTax":{self._price_raw(b.ht)},"tax":{self._price_raw(b.tax)}}}')
        self._raw[index] = raw
        return raw

    def _price_raw(self, cents: int) -> str:
        return (f'{{"currencyCode":"{self.currency}","priceInUcents":{cents * 1_000_000},'
                f'"text":"{self.sub.text(cents)}","value":{cents / 100!r}}}')

    def _lines(self, index: int) -> list[Line]:
        b = self.data.bills[index]
        return bill_lines(self.data.config.seed, b, self.day(b.ts), self.sub.french)

    def bill_detail(self, line: Line) -> Json:
        return {"billDetailId": line.detail_id, "description": line.description, "domain": line.reference,
                "periodEnd": line.period_end.isoformat() if line.period_end else None,
                "periodStart": line.period_start.isoformat() if line.period_start else None,
                "quantity": line.quantity, "totalPrice": self.price(line.total),
                "unitPrice": self.long_price(line.unit_value)}

    def payment(self, ts: int, identifier: str | None, payment_type: str | None) -> Json:
        return {"paymentDate": self.iso(ts), "paymentIdentifier": identifier,
                "paymentType": payment_type or "none"}

    def bill_payment(self, index: int) -> Json | None:
        b = self.data.bills[index]
        if b.deposit < 0:
            return None
        dep = self.data.deposits[b.deposit]
        return self.payment(dep.ts, dep.deposit_id, dep.payment_type)

    # --- debts ---------------------------------------------------------------------------------
    def debt(self, d: DebtRec) -> Json:
        bill = self.data.bills[d.bill]
        return {"amount": self.price(d.amount), "date": self.iso(bill.ts), "debtId": d.debt_id,
                "dueAmount": self.price(d.due), "dueDate": self.iso(d.due_ts) if d.due_ts else None,
                "orderId": bill.order_id, "pendingAmount": self.price(d.pending), "status": d.status,
                "todoAmount": self.price(d.todo), "unmaturedAmount": self.price(d.unmatured)}

    def operation(self, op: OperationRec) -> Json:
        return {"amount": self.price(op.amount), "date": self.iso(op.ts), "depositOrderId": op.deposit_order_id,
                "operationId": op.operation_id, "status": op.status, "type": op.type}

    def payment_info(self, payment_type: str | None) -> Json | None:
        if payment_type is None:
            return None
        label = PAYMENT_LABELS.get(payment_type, payment_type)
        return {"description": label, "paymentType": payment_type, "publicLabel": label}

    def associated(self, op: OperationRec) -> Json:
        return {"id": op.object_id, "paymentInfo": self.payment_info(op.payment_type), "subId": None,
                "type": op.object_type}

    def balance(self) -> Json:
        debts = self.data.debts
        return {"active": True, "dueAmount": self.price(sum(d.due for d in debts)),
                "pendingAmount": self.price(sum(d.pending for d in debts)),
                "todoAmount": self.price(sum(d.todo for d in debts)),
                "unmaturedAmount": self.price(sum(d.unmatured for d in debts))}

    # --- deposits and refunds --------------------------------------------------------------------
    def deposit(self, d: DepositRec) -> Json:
        return {"amount": self.price(d.amount), "date": self.iso(d.ts), "depositId": d.deposit_id,
                "orderId": d.order_id, **self.doc("deposit", d.deposit_id),
                "paymentInfo": self.payment_info(d.payment_type)}

    def deposit_details(self, d: DepositRec) -> list[Json]:
        """One line per paid bill, plus a negative line for the credit note it absorbed."""
        french = self.sub.french
        out = []
        for n, i in enumerate(d.bills, start=1):
            b = self.data.bills[i]
            out.append({"depositDetailId": f"{d.deposit_id}-{n}",
                        "description": f"{'Facture' if french else 'Invoice'} {b.bill_id}", "domain": b.bill_id,
                        "quantity": "1", "totalPrice": self.price(b.ttc), "unitPrice": self.price(b.ttc)})
        if d.refund >= 0:
            r = self.data.refunds[d.refund]
            out.append({"depositDetailId": f"{d.deposit_id}-{len(d.bills) + 1}",
                        "description": f"{'Avoir' if french else 'Credit note'} {r.refund_id}",
                        "domain": r.refund_id, "quantity": "1", "totalPrice": self.price(-r.ttc),
                        "unitPrice": self.price(-r.ttc)})
        return out

    def refund(self, r: RefundRec) -> Json:
        return {"date": self.iso(r.ts), "orderId": r.order_id,
                "originalBillId": self.data.bills[r.original_bill].bill_id, **self.doc("refund", r.refund_id),
                "priceWithTax": self.price(r.ttc), "priceWithoutTax": self.price(r.ht), "refundId": r.refund_id,
                "tax": self.price(r.tax)}

    def refund_details(self, r: RefundRec) -> list[Json]:
        original = self.data.bills[r.original_bill]
        first = self.lines(r.original_bill)[0]
        label = "Avoir sur la facture" if self.sub.french else "Credit on invoice"
        return [{"description": f"{label} {original.bill_id} — {first.description}", "domain": first.reference,
                 "quantity": "1", "reference": original.bill_id, "refundDetailId": f"{r.refund_id}-1",
                 "refundId": r.refund_id, "totalPrice": self.price(r.ht), "unitPrice": self.price(r.ht)}]

    def refund_payment(self, r: RefundRec) -> Json:
        if r.deposit >= 0:
            dep = self.data.deposits[r.deposit]
            return self.payment(dep.ts, dep.deposit_id, "refund")
        bill = self.data.bills[r.original_bill]
        means = self.data.deposits[bill.deposit].payment_type if bill.deposit >= 0 else None
        return self.payment(r.ts, None, means or "refund")

    # --- orders ---------------------------------------------------------------------------------
    def order(self, order_id: int, regularisations: dict[int, OrderRec]) -> Json | None:
        """``billing.Order`` of a bill's order, a deposit's order or a regularisation order."""
        data = self.data
        if order_id in data.bill_by_order:
            b = data.bills[data.bill_by_order[order_id]]
            return self._order(order_id, b.ts, b.ht, b.tax)
        if order_id in regularisations:
            o = regularisations[order_id]
            obj = self._order(order_id, o.ts, o.ht, o.tax)
            obj["expirationDate"] = self.iso(o.ts + 3_600)
            return obj
        if order_id in data.deposit_by_order:
            d = data.deposits[data.deposit_by_order[order_id]]
            return self._order(order_id, d.ts, d.amount, 0)
        return None

    def _order(self, order_id: int, ts: int, ht: int, tax: int) -> Json:
        doc = self.doc("order", str(order_id))
        return {"date": self.iso(ts), "expirationDate": self.iso(ts + 86_400), **doc, "orderId": order_id,
                "priceWithTax": self.price(ht + tax), "priceWithoutTax": self.price(ht),
                "retractionDate": None if tax == 0 else self.iso(ts + 14 * 86_400), "tax": self.price(tax)}

    # --- account --------------------------------------------------------------------------------
    def me(self) -> Json:
        sub, account = self.sub, self.data.config.account_specs()[0]
        return {
            "address": sub.address, "area": None, "birthCity": None, "birthDay": None, "city": sub.city,
            "companyNationalIdentificationNumber": "81243735600013", "complementaryAddress": None,
            "corporationType": "SAS", "country": sub.code, "currency": {"code": sub.currency, "symbol": sub.symbol},
            "customerCode": "1234-5678-90", "email": account.email, "fax": None,
            "firstname": "Camille", "italianSDI": None, "kycValidated": True, "language": sub.language,
            "legalform": "corporation", "name": "Durand", "nationalIdentificationNumber": None,
            "nichandle": account.nichandle, "organisation": account.organisation, "ovhCompany": "ovh",
            "ovhSubsidiary": sub.code, "phone": "+33.320000000", "phoneCountry": sub.code,
            "phoneType": "landline", "purposeOfPurchase": None, "sex": None, "spareEmail": None,
            "state": "complete", "vat": "FR12812437356", "zip": sub.zip,
        }

