package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

// interchangeKey identifies an EDIFACT interchange: sender, recipient and
// control reference from UNB (ISO 9735 makes the reference unique per
// sender).
type interchangeKey struct{ sender, recipient, ref string }

// repeats is what claimInterchanges found: the orders of interchanges
// received before in another document, that document, and warnings.
type repeats struct {
	skip     map[int]bool // indexes into the parse result's orders
	original int64        // the document that brought them first
	warnings []string
}

// claimInterchanges records the EDIFACT interchanges of a parsed document.
// An interchange already received in another document with the same
// orders is a repeat: its orders are not stored again. One whose control
// reference was used before for other orders is read like any other, with
// a warning (a sender whose counter restarted must not lose orders).
//
// It also stores the envelopes of the document's interchanges (envs), from
// which the acknowledgements of its orders are built (storedInterchange).
func claimInterchanges(ctx context.Context, tx pgx.Tx, docID int64, orders []order.PurchaseOrder, envs []parsers.Interchange) (repeats, error) {
	r := repeats{skip: map[int]bool{}}
	if err := storeEnvelopes(ctx, tx, docID, envs); err != nil {
		return r, err
	}
	byKey := map[interchangeKey][]int{}
	var keys []interchangeKey
	for i := range orders {
		e := orders[i].Envelope
		if e == nil || e.InterchangeRef == "" {
			continue
		}
		k := interchangeKey{e.InterchangeFrom, e.InterchangeTo, e.InterchangeRef}
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], i)
	}
	for _, k := range keys {
		digest, err := interchangeDigest(orders, byKey[k])
		if err != nil {
			return r, err
		}
		var firstDoc int64
		var firstDigest string
		err = tx.QueryRow(ctx, `
			WITH ins AS (
				INSERT INTO edi_interchanges (sender, recipient, control_ref, digest, document_id)
				VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT DO NOTHING
				RETURNING document_id, digest)
			SELECT document_id, digest FROM ins
			UNION ALL
			SELECT document_id, digest FROM edi_interchanges
			WHERE sender = $1 AND recipient = $2 AND control_ref = $3
			LIMIT 1`, k.sender, k.recipient, k.ref, digest, docID).Scan(&firstDoc, &firstDigest)
		if errors.Is(err, pgx.ErrNoRows) {
			// Another document's transaction inserted it while this
			// statement waited; its snapshot predates that commit, a new
			// statement's does not.
			err = tx.QueryRow(ctx, `SELECT document_id, digest FROM edi_interchanges
				WHERE sender = $1 AND recipient = $2 AND control_ref = $3`, k.sender, k.recipient, k.ref).Scan(&firstDoc, &firstDigest)
		}
		if err != nil {
			return r, fmt.Errorf("intake: record interchange %s from %s: %w", k.ref, k.sender, err)
		}
		switch {
		case firstDoc == docID:
			// New, or this document read again (reprocess).
		case firstDigest == digest:
			for _, i := range byKey[k] {
				r.skip[i] = true
			}
			r.original = firstDoc
			r.warnings = append(r.warnings, fmt.Sprintf(
				"interchange %s from %s to %s was already received in document %d; its orders were not read again", k.ref, k.sender, k.recipient, firstDoc))
		default:
			r.warnings = append(r.warnings, fmt.Sprintf(
				"interchange control reference %s from %s was already used in document %d for other orders; read as a new interchange", k.ref, k.sender, firstDoc))
		}
	}
	return r, nil
}

// interchangeDigest fingerprints the orders of one interchange as read,
// without what a resend may change: the UNB time stamp, the message's
// place in the file and the positions values were read from.
func interchangeDigest(orders []order.PurchaseOrder, idx []int) (string, error) {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, i := range idx {
		po := orders[i]
		env := *po.Envelope
		env.PreparationStamp, env.MessageIndex = "", 0
		po.Envelope, po.Sources = &env, nil
		po.Lines = append([]order.Line(nil), po.Lines...)
		for j := range po.Lines {
			po.Lines[j].Sources = nil
		}
		if err := enc.Encode(&po); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// storeEnvelopes records the envelopes of a document's interchanges; a
// replay of the document finds them there.
func storeEnvelopes(ctx context.Context, tx pgx.Tx, docID int64, envs []parsers.Interchange) error {
	if len(envs) == 0 {
		return nil
	}
	var b pgx.Batch
	for _, e := range envs {
		b.Queue(`INSERT INTO document_interchanges (document_id, sender, sender_qualifier, recipient, recipient_qualifier,
			control_ref, syntax_id, syntax_version, service_chars, has_una, test)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (document_id, sender, recipient, control_ref) DO NOTHING`,
			docID, e.Sender, e.SenderQualifier, e.Recipient, e.RecipientQualifier, e.ControlRef,
			e.SyntaxID, e.SyntaxVersion, e.ServiceChars[:], e.HasUNA, e.Test)
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("intake: store interchange envelopes: %w", err)
	}
	return nil
}

// storedInterchange returns the stored envelope of the interchange an
// order came in (by control reference within its document, the sender
// and recipient the order names first), ok false when none is stored.
func storedInterchange(ctx context.Context, ex db.Executor, docID int64, env *order.Envelope) (edifact.Interchange, bool, error) {
	var e parsers.Interchange
	var chars []byte
	err := ex.QueryRow(ctx, `SELECT sender, sender_qualifier, recipient, recipient_qualifier, control_ref,
			syntax_id, syntax_version, service_chars, has_una, test
		FROM document_interchanges WHERE document_id = $1 AND control_ref = $2
		ORDER BY sender = $3 DESC, recipient = $4 DESC LIMIT 1`,
		docID, env.InterchangeRef, env.InterchangeFrom, env.InterchangeTo).Scan(
		&e.Sender, &e.SenderQualifier, &e.Recipient, &e.RecipientQualifier, &e.ControlRef,
		&e.SyntaxID, &e.SyntaxVersion, &chars, &e.HasUNA, &e.Test)
	if errors.Is(err, pgx.ErrNoRows) {
		return edifact.Interchange{}, false, nil
	}
	if err != nil {
		return edifact.Interchange{}, false, fmt.Errorf("intake: interchange %s of document %d: %w", env.InterchangeRef, docID, err)
	}
	copy(e.ServiceChars[:], chars)
	return edifact.InterchangeOf(e), true, nil
}
