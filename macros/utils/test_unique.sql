{#- dbt's built-in `unique` test, by way of a hash (it dispatches `test_unique` in the `dbt`
    namespace, where a macro of the root project comes first). The same result as dbt's own
    `select column, count(*) ... group by column having count(*) > 1` over the non-null
    values: rows are grouped by a 64-bit hash of the value first (`row_hash`), and only the
    values of a hash seen twice are grouped by value. At 1,000,000 persons that halves the
    cost of the key tests on tables of millions of text keys (docs/scale.md). -#}
{% macro default__test_unique(model, column_name) %}

with

hashed as (
    select {{ datong.row_hash([column_name]) }} as row_hash
    from {{ model }}
    where {{ column_name }} is not null
),

repeated_hashes as (
    select row_hash
    from hashed
    group by row_hash
    having count(*) > 1
),

candidates as (
    select {{ column_name }} as unique_field
    from {{ model }}
    where
        {{ column_name }} is not null
        and {{ datong.row_hash([column_name]) }} in (
            select repeated_hashes.row_hash from repeated_hashes
        )
)

select
    unique_field,
    count(*) as n_records
from candidates
group by unique_field
having count(*) > 1

{% endmacro %}
