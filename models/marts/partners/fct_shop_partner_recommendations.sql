{#
    The best partner shops for each shop to cross-promote with: the pairs whose audiences
    overlap more than chance, strongest lift first. Counts only, as in the overlap mart.
#}
with

audience_overlaps as {{ not_materialized() }} (
    select * from {{ ref('fct_shop_audience_overlap') }}
),

pairs_eligible as (
    select * from audience_overlaps
    where
        not is_suppressed
        and shared_customer_count >= {{ var('datong_affinity_min_shared_customers') }}
        and lift > 1
),

directions_unioned as (
    select
        shop_a_id as shop_id,
        shop_b_id as partner_shop_id,
        shop_a_platform as platform,
        shop_b_platform as partner_platform,
        shared_customer_count,
        jaccard_index,
        lift,
        is_same_platform
    from pairs_eligible
    union all
    select
        shop_b_id as shop_id,
        shop_a_id as partner_shop_id,
        shop_b_platform as platform,
        shop_a_platform as partner_platform,
        shared_customer_count,
        jaccard_index,
        lift,
        is_same_platform
    from pairs_eligible
),

partners_ranked as (
    select
        *,
        row_number() over (
            partition by shop_id
            order by lift desc, shared_customer_count desc, partner_shop_id asc
        ) as partner_rank
    from directions_unioned
),

final as (
    select
        -- ids
        {{ dbt.concat(["shop_id", "'>'", "partner_shop_id"]) }} as shop_partner_id,
        shop_id,
        partner_shop_id,

        -- strings
        platform,
        partner_platform,

        -- numerics
        cast(partner_rank as int) as partner_rank,
        cast(shared_customer_count as bigint) as shared_customer_count,
        cast(jaccard_index as double) as jaccard_index,
        cast(lift as double) as lift,

        -- booleans
        is_same_platform
    from partners_ranked
    where partner_rank <= {{ var('datong_affinity_top_partners') }}
)

select * from final
