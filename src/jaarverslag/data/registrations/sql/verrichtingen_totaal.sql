-- verrichtingen_totaal: all contacts per post, and for SHT as a whole (post 'SHT').
WITH n AS (
    SELECT post, count(*) AS aantal FROM contacten GROUP BY post
    UNION ALL
    SELECT 'SHT', count(*) FROM contacten HAVING count(*) > 0
)
SELECT $jaar AS jaar, n.post, n.aantal, 'zeker' AS status, NULL AS toelichting
FROM n
JOIN volgorde p ON p.lijst = 'post_of_sht' AND p.waarde = n.post
ORDER BY p.positie
