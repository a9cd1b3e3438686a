{#
    Fails for every combination of the given columns that occurs on more than one row (a
    composite key). Nulls compare equal here, as in `group by`.

    Only the rows whose 64-bit hash of the combination occurs twice can be duplicates
    (`rows_of_repeated_hashes`): the duplicates themselves and the rare values that share a
    hash. Those rows alone are grouped by their values, so the result is exactly the
    duplicated combinations, at a fraction of the cost of grouping millions of rows by several
    text columns.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set column_list = combination_of_columns | join(', ') -%}

with

candidates as (
    {{ datong.rows_of_repeated_hashes(model, combination_of_columns) }}
),

duplicated as (
    select
        {{ column_list }},
        count(*) as row_count
    from candidates
    group by {{ column_list }}
    having count(*) > 1
)

select * from duplicated

{% endtest %}
