"""``core.bulk.bulk_insert``: COPY on PostgreSQL, bulk_create elsewhere — same rows either way."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from kenes.core.bulk import _blueprint, bulk_insert, held_ids, ids_query, unsaved
from kenes.ledger.models import Entry, Leaf
from kenes.proposals.models import Channel, IdempotencyKey, Proposal, ProposalState, StateChange

pytestmark = pytest.mark.django_db


def _proposal(version, code: str, **extra) -> Proposal:
    fields = {
        "code": code,
        "secret_digest": "d" * 64,
        "text": "Предлагаю продлить срок\tобсуждения\\ до 90 дней\nвторая строка",
        "public_text": "Предлагаю продлить срок обсуждения",
        "text_hash": "h" * 64,
        "language": "ru",
        "version": version,
        "channel": Channel.FILE,
        "state": ProposalState.RECEIVED,
        "contact": "+7 701 123 4567",
        "consent": True,
        "flood_flags": ["same_text"],
    }
    fields.update(extra)
    return Proposal(**fields)


def test_rows_come_back_with_ids_and_read_back_as_written(version):
    objs = [_proposal(version, f"KNS-TEST-{i:04d}") for i in range(3)]
    objs[1].contact = ""
    objs[2].region = "71"
    saved = bulk_insert(Proposal, objs)
    assert [p.pk for p in saved] == sorted(p.pk for p in saved)
    assert all(p.pk and not p._state.adding for p in saved)
    for p in saved:
        stored = Proposal.objects.get(pk=p.pk)
        assert stored.code == p.code
        assert stored.text == p.text  # tabs, backslashes and newlines survive COPY
        assert stored.contact == p.contact
        assert stored.flood_flags == ["same_text"]
        assert stored.state == "received"
        assert stored.updated_at is not None  # auto_now filled as the ORM would
    assert Proposal.objects.get(pk=saved[2].pk).region == "71"
    # The contact is encrypted at rest, not written as typed.
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM proposals_proposal WHERE id = %s", [saved[0].pk])
        raw = cursor.fetchone()[0]
    assert raw and "701" not in raw


def test_rows_that_point_at_new_rows_can_follow(version):
    (p,) = bulk_insert(Proposal, [_proposal(version, "KNS-TEST-0100")])
    changes = bulk_insert(
        StateChange,
        [StateChange(proposal=p, from_state="", to_state="received", details={"a": "ü"})],
    )
    assert StateChange.objects.get(pk=changes[0].pk).details == {"a": "ü"}
    assert StateChange.objects.get(pk=changes[0].pk).proposal_id == p.pk


def test_a_duplicate_key_is_djangos_integrity_error_and_rolls_back_alone(version):
    bulk_insert(Proposal, [_proposal(version, "KNS-TEST-0200")])
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(
            Proposal, [_proposal(version, "KNS-TEST-0201"), _proposal(version, "KNS-TEST-0200")]
        )
    assert not Proposal.objects.filter(code="KNS-TEST-0201").exists()
    assert Proposal.objects.filter(code="KNS-TEST-0200").count() == 1


def test_rows_whose_key_the_caller_chooses_are_written_with_that_key():
    entries = [Entry.objects.create(kind="test", data=f'{{"n": {n}}}') for n in range(3)]
    hashes = [bytes([n]) * 32 for n in range(3)]
    leaves = bulk_insert(
        Leaf,
        [
            unsaved(Leaf, index=10 + n, entry_id=e.pk, leaf_hash=h)
            for n, (e, h) in enumerate(zip(entries, hashes, strict=True))
        ],
    )
    assert [leaf.pk for leaf in leaves] == [10, 11, 12]
    assert not any(leaf._state.adding for leaf in leaves)
    stored = list(Leaf.objects.order_by("index").values_list("index", "entry_id", "leaf_hash"))
    assert [(i, e, bytes(h)) for i, e, h in stored] == [
        (10 + n, e.pk, h) for n, (e, h) in enumerate(zip(entries, hashes, strict=True))
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(Leaf, [unsaved(Leaf, index=10, entry_id=entries[0].pk, leaf_hash=hashes[0])])


def test_nothing_to_insert():
    assert bulk_insert(Proposal, []) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="keys are drawn ahead on PostgreSQL")
def test_keys_drawn_ahead_in_one_statement_are_used_first_and_the_rest_dropped(version):
    # given keys of two tables drawn in one statement
    wanted = [(Proposal, 2), (StateChange, 3)]
    sql, params = ids_query(connection, wanted)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    drawn = {n: sorted(i for t, i in rows if t == n) for n in (0, 1)}
    assert len(drawn[0]) == 2 and len(drawn[1]) == 3
    with held_ids(connection, wanted, rows):
        # when more rows are inserted than were drawn, the held keys go first, then new ones
        saved = bulk_insert(Proposal, [_proposal(version, f"KNS-TEST-03{i:02d}") for i in range(3)])
        assert [p.pk for p in saved[:2]] == drawn[0]
        assert saved[2].pk not in drawn[0] + drawn[1]
        (change,) = bulk_insert(StateChange, [StateChange(proposal=saved[0], to_state="received")])
        assert change.pk == drawn[1][0]
    # then keys left over are not used after the block
    (later,) = bulk_insert(StateChange, [StateChange(proposal=saved[1], to_state="received")])
    assert later.pk not in drawn[1]
    assert Proposal.objects.filter(pk__in=drawn[0]).count() == 2


def _fields(obj) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def _same_as_init(model, **values) -> None:
    assert _blueprint(model) is not None  # built without Model.__init__, not by falling back
    made, built = unsaved(model, **values), model(**values)
    assert type(made) is model
    ours, theirs = _fields(made), _fields(built)
    for field in model._meta.concrete_fields:
        if field.has_default() and callable(field.default) and field.attname not in values:
            # a fresh value each time (a timestamp, a new dict): the same kind of value
            assert type(ours[field.attname]) is type(theirs[field.attname]), field.attname
            ours.pop(field.attname), theirs.pop(field.attname)
    assert ours == theirs
    assert made._state.adding and made._state.db is None
    for field in model._meta.concrete_fields:
        if field.is_relation and field.name in values:
            assert made._state.fields_cache.get(field.name) is values[field.name]


def test_an_unsaved_instance_is_the_one_model_init_builds(version):
    # the keywords the intake path uses, relations given as instances and as ids
    fields = {
        "code": "KNS-AAAA-BBBB",
        "secret_digest": "d" * 64,
        "text": "Предлагаю продлить срок обсуждения",
        "public_text": "Предлагаю продлить срок обсуждения",
        "text_hash": "h" * 64,
        "language": "kk",
        "language_detected": True,
        "version": version,
        "article": None,
        "point": None,
        "entered_by": None,
        "author_kind": "expert",
        "region": "71",
        "contact": "+7 701 123 4567",
        "author_index": "i" * 64,
        "consent": True,
        "channel": Channel.API,
        "external_id": "x-1",
        "form_date": None,
    }
    _same_as_init(Proposal, **fields)
    _same_as_init(Proposal, code="KNS-CCCC-DDDD", version_id=version.pk)
    _same_as_init(
        StateChange,
        proposal_id=7,
        actor_id=None,
        actor_label="system",
        from_state="",
        to_state=ProposalState.RECEIVED,
        details={"channel": "api"},
    )
    _same_as_init(Entry, kind="proposal.received", code="KNS-AAAA-BBBB", data="{}")
    stored = bulk_insert(Proposal, [unsaved(Proposal, **fields)])[0]
    _same_as_init(IdempotencyKey, scope="s", key="k", request_digest="d", proposal=stored)


def test_an_unsaved_instance_is_stored_and_read_back_like_any_other(version):
    proposal = unsaved(
        Proposal, code="KNS-EEEE-FFFF", text="Текст предложения", version=version, contact="a@b.kz"
    )
    bulk_insert(Proposal, [proposal])
    again = Proposal.objects.get(pk=proposal.pk)
    assert (again.code, again.text, again.contact, again.version_id) == (
        "KNS-EEEE-FFFF",
        "Текст предложения",
        "a@b.kz",
        version.pk,
    )
    assert again.state == ProposalState.RECEIVED and again.submitted_at is not None


def test_keywords_that_are_not_columns_go_through_model_init(version):
    # a property (pk) is set as Model.__init__ sets it; an unknown name fails as it does there
    assert unsaved(Entry, pk=5, kind="k", code="c", data="{}").pk == 5
    with pytest.raises(TypeError):
        unsaved(Entry, nonsense=1)
