"""3. The answer plan: which exact sentences answer, in what order (plan.py), and the first line that
states the answer from facts the index can check (leads.py)."""
