{#- One row per piece of evidence left out of the final pass, with the reason:
    - `manual_force_split`: an edge between two identifiers a reviewer split, and, when they
      still share a customer through other evidence, every edge of the second identifier;
    - `type_cap_exceeded`: a proposed customer holds more identifiers of a type than
      `max_per_customer`; the identifiers beyond the cap (ranked by their strongest
      evidence, then the earliest seen) lose their weakest evidence, so they leave the
      customer alone while the rest of it stays together. Manual links are never cut. -#}
with

identifiers as (
    select * from {{ ref('int_identifiers_screened') }}
),

edges as {{ not_materialized() }} (
    select * from {{ ref('int_identity_edges_linked') }}
),

components as {{ not_materialized() }} (
    select * from {{ ref('int_identity_components_proposed') }}
),

overrides as {{ not_materialized() }} (
    select * from {{ ref('identity_overrides') }}
),

split_overrides as (
    select * from overrides
    where override_action = 'force_split'
),

direct_split_edges as (
    select
        {{ datong.identity_edge_key('edges') }},
        split_overrides.override_id as cause_id
    from edges
    inner join split_overrides
        on (
            edges.identifier_a_id = split_overrides.identifier_a_id
            and edges.identifier_b_id = split_overrides.identifier_b_id
        )
        or (
            edges.identifier_a_id = split_overrides.identifier_b_id
            and edges.identifier_b_id = split_overrides.identifier_a_id
        )
),

splits_still_joined as (
    select
        split_overrides.override_id,
        split_overrides.identifier_b_id
    from split_overrides
    inner join components as component_a
        on split_overrides.identifier_a_id = component_a.node_id
    inner join components as component_b
        on split_overrides.identifier_b_id = component_b.node_id
    where component_a.component_node_id = component_b.component_node_id
),

detached_split_edges as (
    select
        {{ datong.identity_edge_key('edges') }},
        splits_still_joined.override_id as cause_id
    from edges
    inner join splits_still_joined
        on splits_still_joined.identifier_b_id in (edges.identifier_a_id, edges.identifier_b_id)
    where edges.link_rule <> 'manual_force_link'
),

{# Only a (customer, type) that holds more identifiers than its cap can lose evidence, and
    few do: count first, then rank and look up the evidence of those identifiers alone. The
    count includes identifiers without evidence, so it never misses a group the ranking below
    would put over the cap. #}
identifiers_in_customers as (
    select
        identifiers.identifier_id,
        identifiers.identifier_type,
        components.component_node_id,
        identifiers.max_per_customer,
        identifiers.first_seen_at
    from identifiers
    inner join components
        on identifiers.identifier_id = components.node_id
),

type_counts as (
    select
        component_node_id,
        identifier_type,
        count(*) as identifier_count
    from identifiers_in_customers
    group by 1, 2
),

crowded_identifiers as (
    select identifiers_in_customers.*
    from identifiers_in_customers
    inner join type_counts
        on
            identifiers_in_customers.component_node_id = type_counts.component_node_id
            and identifiers_in_customers.identifier_type = type_counts.identifier_type
    where type_counts.identifier_count > identifiers_in_customers.max_per_customer
),

incident_edges as (
    select
        crowded_identifiers.identifier_id,
        {{ datong.identity_edge_key('edges') }},
        edges.rule_rank
    from edges
    inner join crowded_identifiers
        on edges.identifier_a_id = crowded_identifiers.identifier_id
    union all
    select
        crowded_identifiers.identifier_id,
        {{ datong.identity_edge_key('edges') }},
        edges.rule_rank
    from edges
    inner join crowded_identifiers
        on edges.identifier_b_id = crowded_identifiers.identifier_id
),

identifier_evidence as (
    select
        identifier_id,
        min(rule_rank) as strongest_rank,
        max(case when link_rule <> 'manual_force_link' then rule_rank end) as weakest_rank
    from incident_edges
    group by 1
),

ranked_in_customer as (
    select
        crowded_identifiers.identifier_id,
        crowded_identifiers.identifier_type,
        crowded_identifiers.component_node_id,
        crowded_identifiers.max_per_customer,
        identifier_evidence.weakest_rank,
        row_number() over (
            partition by
                crowded_identifiers.component_node_id, crowded_identifiers.identifier_type
            order by
                identifier_evidence.strongest_rank asc,
                crowded_identifiers.first_seen_at asc,
                crowded_identifiers.identifier_id asc
        ) as rank_in_customer
    from crowded_identifiers
    inner join identifier_evidence
        on crowded_identifiers.identifier_id = identifier_evidence.identifier_id
),

excess_identifiers as (
    select * from ranked_in_customer
    where rank_in_customer > max_per_customer
),

cap_edges as (
    select
        {{ datong.identity_edge_key('incident_edges') }},
        {{ dbt.concat([
            "excess_identifiers.identifier_type", "' over cap in customer of '",
            "excess_identifiers.component_node_id"
        ]) }} as cause_id
    from excess_identifiers
    inner join incident_edges
        on
            excess_identifiers.identifier_id = incident_edges.identifier_id
            and excess_identifiers.weakest_rank = incident_edges.rule_rank
    where incident_edges.link_rule <> 'manual_force_link'
),

all_cuts as (
    select
        {{ datong.identity_edge_key() }},
        'manual_force_split' as cut_reason,
        cause_id,
        1 as reason_order
    from direct_split_edges
    union all
    select
        {{ datong.identity_edge_key() }},
        'manual_force_split' as cut_reason,
        cause_id,
        1 as reason_order
    from detached_split_edges
    union all
    select
        {{ datong.identity_edge_key() }},
        'type_cap_exceeded' as cut_reason,
        cause_id,
        2 as reason_order
    from cap_edges
),

first_reason as (
    select * from all_cuts
    qualify row_number() over (
        partition by {{ datong.identity_edge_key() }}
        order by reason_order asc, cause_id asc
    ) = 1
),

final as (
    select
        {{ datong.identity_edge_id('edges') }} as edge_id,
        edges.identifier_a_id,
        edges.identifier_b_id,
        edges.link_rule,
        edges.source_model,
        edges.source_record_id,
        first_reason.cut_reason,
        first_reason.cause_id,
        edges.rule_rank,
        edges.seen_at
    from first_reason
    inner join edges
        on {{ datong.identity_edges_match('first_reason', 'edges') }}
)

select * from final
