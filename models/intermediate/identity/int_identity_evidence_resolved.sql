{#- One row per piece of evidence that the final pass kept, with the customer it links
    inside: the material `explain_identity_link` walks to show why two identifiers are one
    customer. It is keyed by the evidence's own columns (`identity_edge_key_columns`). -#}
with

edges as (
    select * from {{ ref('int_identity_edges_linked') }}
),

cut_edges as (
    select * from {{ ref('int_identity_edges_cut') }}
),

identifiers as (
    select * from {{ ref('int_identifiers_resolved') }}
),

kept as (
    select
        identifiers.customer_id,
        edges.identifier_a_id,
        edges.identifier_b_id,
        edges.link_rule,
        edges.source_model,
        edges.source_record_id,
        edges.context_record_id,
        edges.store_id,
        edges.rule_rank,
        edges.seen_at
    from edges
    left join cut_edges
        on {{ datong.identity_edges_match('edges', 'cut_edges') }}
    inner join identifiers
        on edges.identifier_a_id = identifiers.identifier_id
    {# Kept evidence lies inside a customer, so only identifiers with one can carry it. Said
       here, it also shows DuckDB that the identifiers are the smaller side of the join: it
       underestimated the uncut evidence (7.2M wide rows) and built its hash table on them,
       taking three times the memory (docs/scale.md, "The night's spill"). #}
    where
        cut_edges.edge_id is null
        and identifiers.customer_id is not null
)

select * from kept
